using Buquet.Actors.Scheduling.Cron;

namespace Buquet.Actors.Tests.Scheduling.Cron;

public sealed class CronosTranslationTests
{
    private const string AllDays = "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31";
    private const string AllMonths = "1,2,3,4,5,6,7,8,9,10,11,12";

    [Theory]
    [InlineData("0 0 * * 1", "0")]
    [InlineData("0 0 * * SUN", "0")]
    [InlineData("0 0 * * 7", "6")]
    [InlineData("0 0 * * MON-FRI", "1,2,3,4,5")]
    [InlineData("0 0 * * 2/2", "1,3,5")]
    [InlineData("0 0 * * ?", "0,1,2,3,4,5,6")]
    public void CronosText_DayOfWeek_ShiftedToSundayZero(string expression, string cronosDays) =>
        Assert.Equal($"0 0 {AllDays} {AllMonths} {cronosDays}", CronExpression.Parse(expression).CronosText);

    [Fact]
    public void CronosText_StepsRangesAndNames_BecomeExplicitLists() =>
        Assert.Equal(
            "7,22,37,52 1,2,3 13 2,4,6 5",
            CronExpression.Parse("7/15 1-3 13 FEB-JUN/2 FRI").CronosText);
}
