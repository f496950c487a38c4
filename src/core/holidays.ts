/**
 * Vietnam's public holidays that fall on the same solar date every year (Tết
 * Dương lịch, 30-4, 1-5, 2-9). Lunar holidays move, so a bloc adds them by date
 * (HOLIDAYS=…,2027-02-05). The default of HOLIDAYS, and the scheduler's list.
 */
export const VIETNAM_FIXED_HOLIDAYS = ["01-01", "04-30", "05-01", "09-02"];
