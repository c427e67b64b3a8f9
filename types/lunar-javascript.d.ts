// The parts of lunar-javascript (6tail) used here; the package ships no types.
declare module 'lunar-javascript' {
  interface LunarDate {
    getYear(): number;
    /** Negative for a leap month. */
    getMonth(): number;
    getDay(): number;
  }
  interface SolarDate {
    getLunar(): LunarDate;
    toYmd(): string;
  }
  const lib: {
    Solar: { fromYmd(y: number, m: number, d: number): SolarDate };
    Lunar: { fromYmd(y: number, m: number, d: number): { getSolar(): SolarDate } };
  };
  export default lib;
}
