using Buquet.Host.Cli.Schedules;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Cli.Schedules;

public sealed class CronDayOfWeekWarningTests : LocalCliTest
{
    [Theory]
    [InlineData("0 9 * * 1-5", "SUN-THU", "MON-FRI")]
    [InlineData("0 9 * * 1", "SUN", "MON")]
    [InlineData("0 9 * * 2,4,7", "MON,WED,SAT", "TUE,THU,SUN")]
    [InlineData("0 9 * * 2-6/2", "MON-FRI/2", "TUE-SAT/2")]
    public void For_NumericDayOfWeek_NamesBothReadings(string cron, string here, string crontab)
    {
        var warning = CronDayOfWeekWarning.For(cron);

        Assert.NotNull(warning);
        Assert.Contains($"means {here} here, while in a crontab it would mean {crontab}", warning);
        Assert.Contains($"-c '0 9 * * {here}' (as written) or -c '0 9 * * {crontab}'", warning);
    }

    [Theory]
    [InlineData("0 9 * * MON-FRI")]
    [InlineData("0 9 * * *")]
    [InlineData("*/5 * * * ?")]
    [InlineData("0 9 * * */2")]
    public void For_NoDayNumbers_Null(string cron) => Assert.Null(CronDayOfWeekWarning.For(cron));

    [Fact]
    public void For_CrontabRangeEndingOnSunday_WarnsWithoutSuggestion()
    {
        var warning = CronDayOfWeekWarning.For("0 9 * * 1-7");

        Assert.NotNull(warning);
        Assert.Contains("Check the next runs below, or use day names", warning);
    }

    [Fact]
    public async Task ScheduleCreate_NumericDayOfWeek_WarnsAndPrintsNextRunsWithWeekdays()
    {
        var run = await Buquet.RunAsync("schedule", "create", "weekdays", "-t", "report", "-c", "0 9 * * 1-5");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Warning: day-of-week '1-5' is numeric", run.Stderr);
        Assert.Contains("means SUN-THU here, while in a crontab it would mean MON-FRI", run.Stderr);
        var runs = run.Stdout.Split('\n').SkipWhile(l => !l.StartsWith("Next Runs:", StringComparison.Ordinal)).Skip(1).Where(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, runs.Count);
        Assert.All(runs, l => Assert.Matches(@"^  \d{4}-\d\d-\d\dT09:00:00Z \((Sun|Mon|Tue|Wed|Thu)\)$", l.TrimEnd('\r')));
        Assert.Contains(runs, l => l.Contains("(Sun)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScheduleCreate_DayNames_NoWarning()
    {
        var run = await Buquet.RunAsync("schedule", "create", "weekdays", "-t", "report", "-c", "0 9 * * MON-FRI");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("Warning:", run.Stderr);
        Assert.Contains("(Fri)", run.Stdout);
    }
}
