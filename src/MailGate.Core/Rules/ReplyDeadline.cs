using System.Globalization;
using System.Text.RegularExpressions;

namespace MailGate.Core.Rules;

/// <summary>
/// By when a notice must be answered, for the responder (PagerDuty custom details <c>reply_by</c> and
/// <c>reply_by_basis</c>), e.g. an AWS abuse report: "reply within 24 hours or resources may be blocked"
/// (AWS re:Post, "What do I do when I receive an abuse report from AWS about my resources?").
/// </summary>
/// <param name="By">UTC, <c>2026-11-17T10:00:00Z</c>; or a date, <c>2026-11-18</c>, when the notice names a day without a time.</param>
/// <param name="Basis">Where it comes from: <c>stated: "within 24 hours"</c>, or <c>24h after receipt (reply_within)</c>.</param>
public sealed record ReplyDeadline(string By, string Basis)
{
    /// <summary>How much of the subject and body is searched for a stated deadline (they come early in a notice).</summary>
    internal const int SearchedLength = 100_000;

    /// <summary>How long one search for a stated deadline may run (tried <see cref="RegexFactory.Attempts"/> times): 1 s.</summary>
    internal static readonly TimeSpan StatedTimeout = TimeSpan.FromSeconds(1);

    private static readonly string[] MonthNames =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly Dictionary<string, int> NumberWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7,
        ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["twelve"] = 12, ["fourteen"] = 14, ["thirty"] = 30,
        ["twenty-four"] = 24, ["forty-eight"] = 48, ["seventy-two"] = 72,
    };

    /// <summary>A time zone after a time: UTC, GMT, Z, an offset, or an abbreviation in capitals (not understood: only the day is then taken).</summary>
    private const string Zone = @"(?: ?\(?(?<zone>utc|gmt|z|(?-i:[A-Z]{2,5})|[+-]\d{2}:?\d{2})\)?)?";

    /// <summary>
    /// "within 24 hours", "within twenty-four (24) hours", "within 2 business days", "by November 18, 2026",
    /// "no later than 18 Nov 2026 10:00 UTC", "before 2026-11-18". Non-backtracking (linear in the text,
    /// which anyone can write), with a timeout of <see cref="StatedTimeout"/>: this pattern is fixed, so the timeout
    /// only guards against a starved CPU, not against a pattern whose automaton explodes.
    /// </summary>
    private static readonly Regex Stated = new(
        @"\bwithin (?:the next )?(?<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|thirty|twenty-four|forty-eight|seventy-two)(?: ?\(\d{1,3}\))? ?(?<business>business |working )?(?<unit>hours?|hrs?|h|days?)\b"
        + @"|\b(?:by|before|no later than|until) (?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,? )?"
        + @"(?:(?<iso>\d{4}-\d{2}-\d{2})(?:[T ](?<isotime>\d{2}:\d{2}(?::\d{2})?)" + Zone + ")?"
        + @"|(?<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (?<day>\d{1,2})(?:st|nd|rd|th)?,? (?<year>\d{4})"
        + @"|(?<day>\d{1,2})(?:st|nd|rd|th)? (?<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? (?<year>\d{4}))"
        + @"(?:,? (?:at )?(?<time>\d{1,2}:\d{2}(?::\d{2})?) ?(?<ampm>[ap]\.?m\.?)?" + Zone + ")?",
        RegexFactory.Options,
        StatedTimeout);

    /// <summary>
    /// The first deadline <paramref name="text"/> (a notice's normalised subject and body) states, counted
    /// from <paramref name="received"/> where it is relative; else <paramref name="received"/> +
    /// <paramref name="fallback"/>. Dates more than a day before receipt or a year after it are taken for
    /// quotations, not deadlines.
    /// </summary>
    public static ReplyDeadline Find(string text, DateTimeOffset received, TimeSpan fallback)
    {
        ArgumentNullException.ThrowIfNull(text);
        received = received.ToUniversalTime();
        var searched = text.Length > SearchedLength ? text[..SearchedLength] : text;
        var note = "";
        for (var attempt = 1; attempt <= RegexFactory.Attempts; attempt++)
        {
            try
            {
                for (var match = Stated.Match(searched); match.Success; match = match.NextMatch())
                {
                    if (FromMatch(match, received) is { } stated)
                    {
                        return stated;
                    }
                }

                note = "";
                break;
            }
            catch (RegexMatchTimeoutException)
            {
                note = "; the text could not be searched for a stated deadline in time"; // tried again while attempts remain
            }
        }

        return new ReplyDeadline(Utc(received + fallback), $"{Duration(fallback)} after receipt (the rule's reply_within){note}");
    }

    /// <summary>A duration as rules files write it: <c>24h</c>, <c>2d</c>, <c>90m</c>.</summary>
    public static string Duration(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 && span.TotalDays >= 2 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0}d")
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0}h")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0}m");

    /// <summary>Reads <c>24h</c>, <c>2d</c> or <c>90m</c> (a positive whole number and a unit); false otherwise.</summary>
    public static bool TryParseDuration(string text, out TimeSpan span)
    {
        ArgumentNullException.ThrowIfNull(text);
        span = TimeSpan.Zero;
        text = text.Trim();
        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        span = char.ToLowerInvariant(text[^1]) switch
        {
            'd' => TimeSpan.FromDays(amount),
            'h' => TimeSpan.FromHours(amount),
            'm' => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.Zero,
        };
        return span > TimeSpan.Zero;
    }

    private static ReplyDeadline? FromMatch(Match match, DateTimeOffset received)
    {
        var quoted = $"stated: \"{match.Value}\"";
        if (match.Groups["unit"].Success)
        {
            var n = match.Groups["n"].Value;
            var amount = int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : NumberWords[n];
            if (amount == 0)
            {
                return null;
            }

            var unit = match.Groups["unit"].Value;
            if (unit.StartsWith('d') || unit.StartsWith('D'))
            {
                return new ReplyDeadline(Utc(match.Groups["business"].Success ? AddBusinessDays(received, amount) : received.AddDays(amount)), quoted);
            }

            return new ReplyDeadline(Utc(received.AddHours(amount)), quoted);
        }

        if (!TryDate(match, out var date))
        {
            return null;
        }

        var earliest = DateOnly.FromDateTime(received.UtcDateTime.AddDays(-1));
        var latest = DateOnly.FromDateTime(received.UtcDateTime.AddDays(366));
        if (date < earliest || date > latest)
        {
            return null;
        }

        var time = match.Groups["isotime"].Success ? match.Groups["isotime"] : match.Groups["time"];
        var zone = match.Groups["zone"].Value;
        if (!time.Success || !TryTime(time.Value, match.Groups["ampm"].Value, out var clock) || !TryZone(zone, match.Groups["isotime"].Success, out var offset))
        {
            // A day without a time, or a time in a zone not understood: the day alone is what is sure.
            return new ReplyDeadline(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), quoted);
        }

        return new ReplyDeadline(Utc(new DateTimeOffset(date.ToDateTime(clock), offset)), quoted);
    }

    private static bool TryDate(Match match, out DateOnly date)
    {
        date = default;
        if (match.Groups["iso"].Success)
        {
            return DateOnly.TryParseExact(match.Groups["iso"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
        }

        var month = Array.IndexOf(MonthNames, match.Groups["month"].Value.ToLowerInvariant()) + 1;
        if (month == 0
            || !int.TryParse(match.Groups["day"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            || !int.TryParse(match.Groups["year"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || day < 1 || day > DateTime.DaysInMonth(Math.Clamp(year, 1, 9999), month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryTime(string text, string ampm, out TimeOnly time)
    {
        time = default;
        var parts = text.Split(':');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minute))
        {
            return false;
        }

        var second = parts.Length > 2 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (ampm.Length > 0)
        {
            if (hour is < 1 or > 12)
            {
                return false;
            }

            hour = (hour % 12) + (char.ToLowerInvariant(ampm[0]) == 'p' ? 12 : 0);
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        time = new TimeOnly(hour, minute, second);
        return true;
    }

    /// <summary>UTC, GMT, Z and ±hh:mm are understood; an ISO time without a zone is taken as UTC; any other zone is not.</summary>
    private static bool TryZone(string zone, bool iso, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (zone.Length == 0)
        {
            return iso;
        }

        if (zone.Equals("utc", StringComparison.OrdinalIgnoreCase) || zone.Equals("gmt", StringComparison.OrdinalIgnoreCase) || zone.Equals("z", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (zone[0] is '+' or '-')
        {
            var digits = zone[1..].Replace(":", "", StringComparison.Ordinal);
            var hours = int.Parse(digits[..2], CultureInfo.InvariantCulture);
            var minutes = int.Parse(digits[2..], CultureInfo.InvariantCulture);
            if (hours > 14 || minutes > 59)
            {
                return false;
            }

            offset = new TimeSpan(hours, minutes, 0) * (zone[0] == '-' ? -1 : 1);
            return true;
        }

        return false;
    }

    private static DateTimeOffset AddBusinessDays(DateTimeOffset start, int days)
    {
        var result = start;
        while (days > 0)
        {
            result = result.AddDays(1);
            if (result.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days--;
            }
        }

        return result;
    }

    private static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
