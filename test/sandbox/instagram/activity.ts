// Posts per hour under each default hashtag: a realistic spread from a busy tag (a page of
// 50 every 5 minutes) to quiet ones. The Instagram bench and the row-count tests share it.
export const DEFAULT_HASHTAG_RATES: Readonly<Record<string, number>> = {
  gucci: 600,
  dior: 240,
  chanel: 120,
  louisvuitton: 90,
  prada: 60,
  hermes: 60,
  celine: 30,
  fendi: 30,
  ysl: 20,
  miumiu: 20,
  valentino: 10,
};
