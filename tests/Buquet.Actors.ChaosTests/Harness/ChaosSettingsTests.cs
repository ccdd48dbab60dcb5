namespace Buquet.Actors.ChaosTests.Harness;

public sealed class ChaosSettingsTests
{
    private static Func<string, string?> Env(Dictionary<string, string> values) => k => values.GetValueOrDefault(k);

    [Fact]
    public void FromEnvironment_Nothing_ShortScenarioDefaults()
    {
        var s = ChaosSettings.FromEnvironment(Env([]));
        Assert.Equal(2000, s.Tasks);
        Assert.Equal(3, s.Workers);
        Assert.Equal(TimeSpan.FromMinutes(5), s.Duration);
        Assert.Equal(TimeSpan.FromSeconds(100), s.SubmitOver);
        Assert.Equal("rgw", s.Store);
        Assert.True(s.Seed > 0);
        Assert.True(s.Plan.ConflictProbability > 0);
    }

    [Fact]
    public void FromEnvironment_SoakValues_Parsed()
    {
        var s = ChaosSettings.FromEnvironment(Env(new()
        {
            ["BUQUET_CHAOS_SEED"] = "42",
            ["BUQUET_CHAOS_TASKS"] = "20000",
            ["BUQUET_CHAOS_DURATION"] = "30m",
            ["BUQUET_CHAOS_FAULTS"] = "0",
        }));
        Assert.Equal(42, s.Seed);
        Assert.Equal(20000, s.Tasks);
        Assert.Equal(TimeSpan.FromMinutes(10), s.SubmitOver);
        Assert.Equal(FaultPlanNone, s.Plan);
    }

    private static Proxy.FaultPlan FaultPlanNone => Proxy.FaultPlan.None;

    [Theory]
    [InlineData("BUQUET_CHAOS_TASKS", "lots")]
    [InlineData("BUQUET_CHAOS_DURATION", "forever")]
    [InlineData("BUQUET_CHAOS_WORKERS", "1")]
    public void FromEnvironment_BadValue_ErrorNamesIt(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => ChaosSettings.FromEnvironment(Env(new() { [name] = value })));
        Assert.True(e.Message.Contains(name, StringComparison.Ordinal) || e.Message.Contains(value, StringComparison.Ordinal), e.Message);
    }
}
