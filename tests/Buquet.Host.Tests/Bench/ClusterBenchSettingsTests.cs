using Buquet.Host.Bench;
using Buquet.Host.Cli;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Bench;

public sealed class ClusterBenchSettingsTests
{
    private static ClusterBenchSettings Defaults() => new(
        3, 16, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(40), 20, TimeSpan.FromSeconds(3), 10, TimeSpan.FromSeconds(20), 20, TimeSpan.FromMinutes(2), "/tmp/unused");

    [Fact]
    public void Validate_Defaults_Passes()
    {
        Defaults().Validate();
    }

    [Fact]
    public void Validate_OneWorker_ThrowsNamingWorkersAndFleet()
    {
        var e = Assert.Throws<ArgumentException>(() => (Defaults() with { Workers = 1 }).Validate());

        Assert.Contains("--workers 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("2..16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MoreCancelsThanFleetSlots_ThrowsNamingCapacity()
    {
        var e = Assert.Throws<ArgumentException>(() => (Defaults() with { Workers = 2, Concurrency = 4, Cancels = 9 }).Validate());

        Assert.Contains("--cluster-cancels 9", e.Message, StringComparison.Ordinal);
        Assert.Contains("0..8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ZeroPickupBudget_ThrowsNamingTheOption()
    {
        var e = Assert.Throws<ArgumentException>(() => (Defaults() with { PickupBudget = TimeSpan.Zero }).Validate());

        Assert.Contains("--cluster-pickup-budget", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RateThatSubmitsNothing_ThrowsNamingSteady()
    {
        var e = Assert.Throws<ArgumentException>(() => (Defaults() with { Rate = 0.01, Steady = TimeSpan.FromSeconds(10) }).Validate());

        Assert.Contains("--cluster-steady", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoPickups_ThrowsNamingPickups()
    {
        var e = Assert.Throws<ArgumentException>(() => (Defaults() with { Pickups = 0 }).Validate());

        Assert.Contains("--cluster-pickups 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SteadyTasks_TenPerSecondForTwentySeconds_Is200()
    {
        Assert.Equal(200, Defaults().SteadyTasks);
    }

    [Fact]
    public async Task Bench_ClusterWithBadDuration_UsageErrorNamesTheOption()
    {
        var run = await InProcessCli.RunAsync(["bench", "--cluster", "--cluster-idle", "soon"], commands: [BenchCommand.Create]);

        Assert.Equal(ExitCodes.UserError, run.ExitCode);
        Assert.Contains("--cluster-idle 'soon' is not a duration", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_ClusterWithOneWorker_UsageErrorAsksForAFleet()
    {
        var run = await InProcessCli.RunAsync(["bench", "--cluster", "--workers", "1"], commands: [BenchCommand.Create]);

        Assert.Equal(ExitCodes.UserError, run.ExitCode);
        Assert.Contains("--workers 1 is out of range for --cluster", run.Stderr, StringComparison.Ordinal);
    }
}
