//! Property test (filled below).
