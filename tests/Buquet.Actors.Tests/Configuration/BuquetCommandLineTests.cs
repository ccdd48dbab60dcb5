using Buquet.Actors.Configuration;

namespace Buquet.Actors.Tests.Configuration;

public sealed class BuquetCommandLineTests
{
    [Fact]
    public void Map_BuquetWorkerAndMonitorFlags_BecomeTopLayerSettings()
    {
        var overrides = BuquetCommandLine.Map([
            new("--id", "w-7"), new("--shards", "0,1"), new("--no-monitor", null),
            new("--check-interval", "20"), new("--sweep-interval", "0"), new("--worker-health-threshold", "2m"),
            new("--port", "8080"), new("--bucket", "b"), new("--concurrency", "4"),
        ]);

        var options = BuquetOptions.Load(BuquetConfiguration.Build([], new Dictionary<string, string> { ["BUQUET__WORKER__ID"] = "from-env" }, overrides));

        Assert.Equal("w-7", options.Worker.Id);
        Assert.Equal(["0", "1"], options.Worker.Shards);
        Assert.False(options.Monitor.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Monitor.CheckInterval);
        Assert.Equal(TimeSpan.Zero, options.Monitor.SweepInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Monitor.WorkerHealthThreshold);
        Assert.Equal(8080, options.Dashboard.Port);
        Assert.Equal((StoreKind.S3, "b"), (options.Store.Kind, options.Store.S3.Bucket));
        Assert.Equal(4, options.Worker.Concurrency);
    }

    [Fact]
    public void Map_HealthPort_TurnsTheHealthListenerOnAtThatPort()
    {
        var off = BuquetOptions.Load(BuquetConfiguration.Build([], new Dictionary<string, string>(), []));
        var on = BuquetOptions.Load(BuquetConfiguration.Build([], new Dictionary<string, string>(), BuquetCommandLine.Map("--health-port", "9191")));

        Assert.False(off.Worker.Health.Enabled);
        Assert.Equal((true, 9191, "0.0.0.0"), (on.Worker.Health.Enabled, on.Worker.Health.Port, on.Worker.Health.BindAddress));
    }

    [Fact]
    public void Map_ValidateInput_TurnsWorkerValidationOn()
    {
        var on = BuquetOptions.Load(BuquetConfiguration.Build([], new Dictionary<string, string>(), BuquetCommandLine.Map("--validate-input", "true")));

        Assert.True(on.Worker.ValidateInput);
        Assert.True(WorkerSettingsOf(on).ValidateInput);
    }

    private static Buquet.Actors.Worker.WorkerSettings WorkerSettingsOf(BuquetOptions options) => Buquet.Actors.Worker.WorkerSettings.FromOptions(options, "w-1");

    [Fact]
    public void Map_UnknownFlagOrBadSeconds_ThrowsNamingIt()
    {
        var unknown = Assert.Throws<ArgumentException>(() => BuquetCommandLine.Map("--colour", "red"));
        var badSeconds = Assert.Throws<ArgumentException>(() => BuquetCommandLine.Map("--check-interval", "often"));

        Assert.StartsWith("--colour is not a configuration flag", unknown.Message, StringComparison.Ordinal);
        Assert.StartsWith("--check-interval often: expected seconds", badSeconds.Message, StringComparison.Ordinal);
    }
}
