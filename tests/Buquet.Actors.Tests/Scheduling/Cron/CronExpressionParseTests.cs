using Buquet.Actors.Scheduling.Cron;

namespace Buquet.Actors.Tests.Scheduling.Cron;

public sealed class CronExpressionParseTests
{
    // 2026-01-01 is a Thursday.
    private static readonly DateTimeOffset Jan1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static int[] MinutesInFirstHour(string expression) =>
        [.. CronExpression.Parse(expression)
            .GetOccurrences(Jan1.AddTicks(-1), Jan1.AddMinutes(59), null, 100)
            .Select(o => o.Minute)];

    private static int[] HoursOnFirstDay(string expression) =>
        [.. CronExpression.Parse(expression)
            .GetOccurrences(Jan1.AddTicks(-1), Jan1.AddHours(23), null, 100)
            .Select(o => o.Hour)];

    private static string[] Dates(string expression, int count) =>
        [.. CronExpression.Parse(expression)
            .GetOccurrences(Jan1.AddTicks(-1), Jan1.AddYears(3), null, count)
            .Select(o => o.ToString("yyyy-MM-dd ddd", System.Globalization.CultureInfo.InvariantCulture))];

    [Theory]
    [InlineData("* * * * *", new[] { 0, 1, 2 })]
    [InlineData("5 * * * *", new[] { 5 })]
    [InlineData("5,10-12,*/20 * * * *", new[] { 0, 5, 10, 11, 12, 20, 40 })]
    [InlineData("7/15 * * * *", new[] { 7, 22, 37, 52 })]
    [InlineData("10-30/10 * * * *", new[] { 10, 20, 30 })]
    [InlineData("58-59 * * * *", new[] { 58, 59 })]
    [InlineData("05 * * * *", new[] { 5 })]
    public void Parse_MinuteField_MatchesExpectedMinutes(string expression, int[] expectedPrefix)
    {
        var minutes = MinutesInFirstHour(expression);

        Assert.Equal(expectedPrefix, minutes.Take(expectedPrefix.Length));
        if (!expression.StartsWith('*'))
        {
            Assert.Equal(expectedPrefix, minutes);
        }
    }

    [Theory]
    [InlineData("0 */6 * * *", new[] { 0, 6, 12, 18 })]
    [InlineData("0 9-17/4 * * *", new[] { 9, 13, 17 })]
    [InlineData("0 0,23 * * *", new[] { 0, 23 })]
    [InlineData("0 20/2 * * *", new[] { 20, 22 })]
    public void Parse_HourField_MatchesExpectedHours(string expression, int[] expected) =>
        Assert.Equal(expected, HoursOnFirstDay(expression));

    [Theory]
    [InlineData("0 0 1,15 * *", new[] { "2026-01-01 Thu", "2026-01-15 Thu", "2026-02-01 Sun" })]
    [InlineData("0 0 10-11 * *", new[] { "2026-01-10 Sat", "2026-01-11 Sun", "2026-02-10 Tue" })]
    [InlineData("0 0 */10 * *", new[] { "2026-01-01 Thu", "2026-01-11 Sun", "2026-01-21 Wed", "2026-01-31 Sat" })]
    [InlineData("0 0 1 * ?", new[] { "2026-01-01 Thu", "2026-02-01 Sun" })]
    public void Parse_DayOfMonthField_MatchesExpectedDates(string expression, string[] expected) =>
        Assert.Equal(expected, Dates(expression, expected.Length));

    [Theory]
    [InlineData("0 0 1 JAN,jul *", new[] { "2026-01-01 Thu", "2026-07-01 Wed", "2027-01-01 Fri" })]
    [InlineData("0 0 1 FEB-APR *", new[] { "2026-02-01 Sun", "2026-03-01 Sun", "2026-04-01 Wed", "2027-02-01 Mon" })]
    [InlineData("0 0 1 feb-nov/3 *", new[] { "2026-02-01 Sun", "2026-05-01 Fri", "2026-08-01 Sat", "2026-11-01 Sun" })]
    [InlineData("0 0 1 september,December *", new[] { "2026-09-01 Tue", "2026-12-01 Tue" })]
    [InlineData("0 0 1 */4 *", new[] { "2026-01-01 Thu", "2026-05-01 Fri", "2026-09-01 Tue" })]
    public void Parse_MonthField_MatchesExpectedDates(string expression, string[] expected) =>
        Assert.Equal(expected, Dates(expression, expected.Length));

    [Theory]
    [InlineData("0 0 * * 1", "Sun")]
    [InlineData("0 0 * * SUN", "Sun")]
    [InlineData("0 0 * * sunday", "Sun")]
    [InlineData("0 0 * * 2", "Mon")]
    [InlineData("0 0 * * TUES", "Tue")]
    [InlineData("0 0 * * thurs", "Thu")]
    [InlineData("0 0 * * 6", "Fri")]
    [InlineData("0 0 * * 7", "Sat")]
    [InlineData("0 0 * * SAT", "Sat")]
    [InlineData("0 0 ? * 2", "Mon")]
    public void Parse_DayOfWeekSingleDay_SundayIsOne(string expression, string expectedDay)
    {
        var days = Dates(expression, 5).Select(d => d[^3..]).Distinct().ToArray();

        Assert.Equal([expectedDay], days);
    }

    [Theory]
    [InlineData("0 0 * * MON-FRI", new[] { "Mon", "Tue", "Wed", "Thu", "Fri" })]
    [InlineData("0 0 * * 2-6", new[] { "Mon", "Tue", "Wed", "Thu", "Fri" })]
    [InlineData("0 0 * * 1-5", new[] { "Sun", "Mon", "Tue", "Wed", "Thu" })]
    [InlineData("0 0 * * 1,7", new[] { "Sat", "Sun" })]
    [InlineData("0 0 * * */2", new[] { "Sun", "Tue", "Thu", "Sat" })]
    [InlineData("0 0 * * 2/2", new[] { "Mon", "Wed", "Fri" })]
    [InlineData("0 0 * * MON-FRI/2", new[] { "Mon", "Wed", "Fri" })]
    [InlineData("0 0 * * ?/3", new[] { "Sun", "Wed", "Sat" })]
    public void Parse_DayOfWeekSets_MatchExpectedWeekdays(string expression, string[] expected)
    {
        var days = Dates(expression, 21).Select(d => d[^3..]).Distinct().Order().ToArray();

        Assert.Equal(expected.Order(), days);
    }

    [Fact]
    public void Parse_ExtraWhitespace_IsAccepted()
    {
        var cron = CronExpression.Parse("  30   9 * *\tMON ");

        Assert.Equal(new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero), cron.GetNextOccurrence(Jan1));
        Assert.Equal("  30   9 * *\tMON ", cron.ToString());
    }

    [Fact]
    public void Parse_HourOutOfRange_MessageQuotesExpressionAndField()
    {
        var e = Assert.Throws<CronFormatException>(() => CronExpression.Parse("0 25 * * *"));

        Assert.Equal("\"0 25 * * *\": hour field \"25\" is out of range 0-23", e.Message);
        Assert.Equal(1, e.FieldIndex);
        Assert.Equal("hour", e.FieldName);
        Assert.Equal("25", e.FieldText);
        Assert.Equal("0 25 * * *", e.Expression);
    }

    [Fact]
    public void Parse_BadItemInList_MessageNamesFieldAndItem()
    {
        var e = Assert.Throws<CronFormatException>(() => CronExpression.Parse("0 1,25 * * *"));

        Assert.Equal("\"0 1,25 * * *\": hour field \"1,25\": \"25\" is out of range 0-23", e.Message);
    }

    [Fact]
    public void Parse_DayOfWeekZero_RejectedWithSundayHint()
    {
        var e = Assert.Throws<CronFormatException>(() => CronExpression.Parse("0 0 * * 0"));

        Assert.Equal("day-of-week", e.FieldName);
        Assert.Equal(4, e.FieldIndex);
        Assert.Contains("out of range 1-7", e.Message, StringComparison.Ordinal);
        Assert.Contains("Sunday = 1", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("60 * * * *", "minute", "out of range 0-59")]
    [InlineData("0 0 0 * *", "day-of-month", "out of range 1-31")]
    [InlineData("0 0 32 * *", "day-of-month", "out of range 1-31")]
    [InlineData("0 0 * 0 *", "month", "out of range 1-12")]
    [InlineData("0 0 * 13 *", "month", "out of range 1-12")]
    [InlineData("0 0 * * 8", "day-of-week", "out of range 1-7")]
    [InlineData("0 0 * * 0-5", "day-of-week", "out of range 1-7")]
    [InlineData("*/0 * * * *", "minute", "a step must be between 1 and 59")]
    [InlineData("*/60 * * * *", "minute", "a step must be between 1 and 59")]
    [InlineData("0 */24 * * *", "hour", "a step must be between 1 and 23")]
    [InlineData("0 0 * * */8", "day-of-week", "a step must be between 1 and 7")]
    [InlineData("*/x * * * *", "minute", "not a whole number")]
    [InlineData("0 0 L * *", "day-of-month", "L, W or #")]
    [InlineData("0 0 15W * *", "day-of-month", "L, W or #")]
    [InlineData("0 0 LW * *", "day-of-month", "L, W or #")]
    [InlineData("0 0 * * 6L", "day-of-week", "L, W or #")]
    [InlineData("0 0 * * 6#3", "day-of-week", "L, W or #")]
    [InlineData("0 0 * * MON/2", "day-of-week", "steps a single name")]
    [InlineData("0 0 * * 6-2", "day-of-week", "reversed range")]
    [InlineData("0 22-2 * * *", "hour", "reversed range")]
    [InlineData("0 0 * * 2-FRI", "day-of-week", "mixes a number and a name")]
    [InlineData("? * * * *", "minute", "only allowed in the day-of-month and day-of-week")]
    [InlineData("0 0 * ? *", "month", "only allowed in the day-of-month and day-of-week")]
    [InlineData("0 0 1 FOO *", "month", "not a valid month")]
    [InlineData("0 0 1 SEPT *", "month", "not a valid month")]
    [InlineData("0 0 * * FUNDAY", "day-of-week", "not a valid day-of-week")]
    [InlineData("0 MON * * *", "hour", "is not a number")]
    [InlineData("1,,2 * * * *", "minute", "empty list item")]
    [InlineData("1- * * * *", "minute", "not a valid range")]
    [InlineData("-5 * * * *", "minute", "not a valid range")]
    [InlineData("99999999999 * * * *", "minute", "out of range 0-59")]
    public void Parse_InvalidField_ThrowsNamingField(string expression, string field, string problem)
    {
        var e = Assert.Throws<CronFormatException>(() => CronExpression.Parse(expression));

        Assert.Equal(field, e.FieldName);
        Assert.StartsWith($"\"{expression}\": {field} field \"", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "found 0")]
    [InlineData("0 0 * *", "found 4")]
    [InlineData("0 0 0 * * *", "buquet stores 5 fields and adds the seconds itself")]
    [InlineData("0 0 0 * * ? 2026", "found 7")]
    [InlineData("@daily", "shorthands like @daily are not supported")]
    [InlineData("@hourly", "shorthands like @daily are not supported")]
    public void Parse_WrongShape_ThrowsForWholeExpression(string expression, string problem)
    {
        var e = Assert.Throws<CronFormatException>(() => CronExpression.Parse(expression));

        Assert.Null(e.FieldIndex);
        Assert.StartsWith($"\"{expression}\": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Invalid_ReturnsFalseWithSameMessageAsParse()
    {
        var ok = CronExpression.TryParse("0 0 * * 0", out var cron, out var error);

        Assert.False(ok);
        Assert.Null(cron);
        Assert.Equal(Assert.Throws<CronFormatException>(() => CronExpression.Parse("0 0 * * 0")).Message, error);
    }

    [Fact]
    public void TryParse_Valid_ReturnsExpression()
    {
        var ok = CronExpression.TryParse("*/5 * * * *", out var cron, out var error);

        Assert.True(ok);
        Assert.Null(error);
        Assert.Equal("*/5 * * * *", cron!.Text);
    }
}
