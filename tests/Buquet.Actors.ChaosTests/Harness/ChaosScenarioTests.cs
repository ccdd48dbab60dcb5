using Xunit.Abstractions;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>
/// The short chaos scenario of the regular suite (≈ 2,000 tasks, 3 worker processes, a kill every few seconds, proxy
/// faults, a few minutes at most). The same test is the soak when scripts/chaos.sh sets BUQUET_CHAOS_* (see
/// docs/reliability.md). Rerun a failure with the printed seed: BUQUET_CHAOS_SEED=N.
/// </summary>
public sealed class ChaosScenarioTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Scenario_WorkersKilledUnderProxyFaults_NoTaskLostStuckOrOverlapping()
    {
        var settings = ChaosSettings.FromEnvironment();
        output.WriteLine($"BUQUET_CHAOS_SEED={settings.Seed}");
        await using var run = new ChaosRun(settings, output.WriteLine);
        using var guard = new CancellationTokenSource(settings.Duration + TimeSpan.FromMinutes(Math.Max(1, settings.Duration.TotalMinutes / 8)));
        var result = await run.RunAsync(guard.Token);
        if (settings.ReportPath is { } path)
        {
            await File.AppendAllTextAsync(path, result.Report.ToMarkdown(
                $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {settings.Tasks} tasks, {settings.Workers} workers, {result.Elapsed.TotalMinutes:0.0} min, seed {settings.Seed}") + Environment.NewLine);
            await File.WriteAllTextAsync(Path.ChangeExtension(path, ".json"), result.Report.ToJson());
        }

        var rerun = $"seed {settings.Seed} (rerun with BUQUET_CHAOS_SEED={settings.Seed}; run dir {result.RunDirectory}, kept with BUQUET_CHAOS_KEEP=1)";
        Assert.True(result.Report.Passed, rerun + ":\n" + string.Join("\n", result.Report.Violations));
        Assert.Equal(settings.Tasks, result.Report.Submitted);
        Assert.True(result.Report.FaultsInjected.GetValueOrDefault("SIGKILL") + result.Report.FaultsInjected.GetValueOrDefault("SIGTERM") > 0, rerun + ": no worker was killed; the scenario proved nothing");
    }
}
