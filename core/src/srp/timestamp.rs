//! `TIMESTAMP` as Cognito expects it: `EEE MMM d HH:mm:ss UTC yyyy`, English names, UTC, and the
//! day of the month NOT zero-padded (`Tue Mar 5 09:07:03 UTC 2024`).

use super::SrpError;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats seconds since the Unix epoch (UTC) as a Cognito `TIMESTAMP`.
pub fn format_timestamp(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let secs = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days as i64);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[((days + 4) % 7) as usize];
    format!(
        "{weekday} {} {day} {:02}:{:02}:{:02} UTC {year}",
        MONTHS[(month - 1) as usize],
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Parses a Cognito `TIMESTAMP` back to seconds since the Unix epoch.
///
/// The day may be written with or without a leading zero; the weekday must match the date.
pub fn parse_timestamp(text: &str) -> Result<u64, SrpError> {
    let bad = || SrpError::InvalidTimestamp;
    let parts: Vec<&str> = text.split(' ').collect();
    let [weekday, month, day, time, zone, year] = parts.as_slice() else {
        return Err(bad());
    };
    if *zone != "UTC" {
        return Err(bad());
    }
    let month = MONTHS.iter().position(|m| m == month).ok_or_else(bad)? as u32 + 1;
    let day: u32 = parse_digits(day, 1, 2).ok_or_else(bad)?;
    let year: i64 = parse_digits(year, 4, 4).ok_or_else(bad)?.into();
    let hms: Vec<&str> = time.split(':').collect();
    let [h, m, s] = hms.as_slice() else {
        return Err(bad());
    };
    let (h, m, s) = (
        parse_digits(h, 2, 2).ok_or_else(bad)?,
        parse_digits(m, 2, 2).ok_or_else(bad)?,
        parse_digits(s, 2, 2).ok_or_else(bad)?,
    );
    if h > 23 || m > 59 || s > 59 || year < 1970 || day == 0 || day > days_in_month(year, month) {
        return Err(bad());
    }
    let days = days_from_civil(year, month, day);
    if WEEKDAYS[((days + 4) % 7) as usize] != *weekday {
        return Err(bad());
    }
    Ok(days as u64 * 86_400 + u64::from(h) * 3600 + u64::from(m) * 60 + u64::from(s))
}

fn parse_digits(text: &str, min: usize, max: usize) -> Option<u32> {
    if text.len() < min || text.len() > max || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days-from-civil algorithms (public domain description), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
