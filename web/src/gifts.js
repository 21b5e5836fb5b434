// The gift catalogue: the chain stores only a gift id (u8) with each tip; what it looks like is
// the app's. A gift has a minimum amount, and its tier (1-4) sets how big its effect is.
import { UNIT } from './chain.js';

export const GIFTS = [
  { id: 0, name: { en: 'Thanks', 'zh-CN': '谢谢' }, icon: '👍', min: UNIT / 100n, tier: 1 },
  { id: 1, name: { en: 'Heart', 'zh-CN': '爱心' }, icon: '❤️', min: UNIT / 10n, tier: 1 },
  { id: 2, name: { en: 'Flowers', 'zh-CN': '鲜花' }, icon: '💐', min: 1n * UNIT, tier: 2 },
  { id: 3, name: { en: 'Rocket', 'zh-CN': '火箭' }, icon: '🚀', min: 5n * UNIT, tier: 3 },
  { id: 4, name: { en: 'Crown', 'zh-CN': '皇冠' }, icon: '👑', min: 50n * UNIT, tier: 4 },
];

/** The gift with id `id`; unknown ids (sent by other apps) show as a plain tier-1 gift. */
export const giftById = (id) =>
  GIFTS.find((gift) => gift.id === id) ?? {
    id,
    name: { en: `Gift ${id}`, 'zh-CN': `礼物 ${id}` },
    icon: '🎁',
    min: 0n,
    tier: 1,
  };

export const giftName = (gift, lang) => gift.name[lang] ?? gift.name.en;
