namespace Buquet.Actors.Scheduling.Cron;

/// <summary>
/// The five fields of a buquet cron expression, with their ranges and names as the Rust <c>cron</c> crate
/// (0.15, Quartz flavour) accepts them: day-of-week is 1-7 with Sunday = 1.
/// </summary>
internal sealed class CronFieldSpec
{
    private CronFieldSpec(int index, string name, int min, int max, bool allowsAny, IReadOnlyDictionary<string, int>? names)
    {
        Index = index;
        Name = name;
        Min = min;
        Max = max;
        AllowsAny = allowsAny;
        Names = names;
    }

    public int Index { get; }

    public string Name { get; }

    public int Min { get; }

    public int Max { get; }

    /// <summary>Whether <c>?</c> is accepted (day-of-month and day-of-week only).</summary>
    public bool AllowsAny { get; }

    /// <summary>Case-insensitive names, or <c>null</c> when the field takes numbers only.</summary>
    public IReadOnlyDictionary<string, int>? Names { get; }

    public static CronFieldSpec Minute { get; } = new(0, "minute", 0, 59, allowsAny: false, names: null);

    public static CronFieldSpec Hour { get; } = new(1, "hour", 0, 23, allowsAny: false, names: null);

    public static CronFieldSpec DayOfMonth { get; } = new(2, "day-of-month", 1, 31, allowsAny: true, names: null);

    public static CronFieldSpec Month { get; } = new(3, "month", 1, 12, allowsAny: false, names: MonthNames());

    public static CronFieldSpec DayOfWeek { get; } = new(4, "day-of-week", 1, 7, allowsAny: true, names: DayNames());

    /// <summary>The fields in expression order.</summary>
    public static IReadOnlyList<CronFieldSpec> All { get; } = [Minute, Hour, DayOfMonth, Month, DayOfWeek];

    private static Dictionary<string, int> MonthNames() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["jan"] = 1, ["january"] = 1,
        ["feb"] = 2, ["february"] = 2,
        ["mar"] = 3, ["march"] = 3,
        ["apr"] = 4, ["april"] = 4,
        ["may"] = 5,
        ["jun"] = 6, ["june"] = 6,
        ["jul"] = 7, ["july"] = 7,
        ["aug"] = 8, ["august"] = 8,
        ["sep"] = 9, ["september"] = 9,
        ["oct"] = 10, ["october"] = 10,
        ["nov"] = 11, ["november"] = 11,
        ["dec"] = 12, ["december"] = 12,
    };

    private static Dictionary<string, int> DayNames() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["sun"] = 1, ["sunday"] = 1,
        ["mon"] = 2, ["monday"] = 2,
        ["tue"] = 3, ["tues"] = 3, ["tuesday"] = 3,
        ["wed"] = 4, ["wednesday"] = 4,
        ["thu"] = 5, ["thurs"] = 5, ["thursday"] = 5,
        ["fri"] = 6, ["friday"] = 6,
        ["sat"] = 7, ["saturday"] = 7,
    };
}
