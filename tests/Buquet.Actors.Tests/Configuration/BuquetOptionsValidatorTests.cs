using Buquet.Actors.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Buquet.Actors.Tests.Configuration;

public sealed class BuquetOptionsValidatorTests
{
    [Fact]
    public void Check_Defaults_AreValid()
    {
        Assert.Empty(BuquetOptionsValidator.Check(new BuquetOptions()));
    }

    public static TheoryData<Action<BuquetOptions>, string> BadValues() => new()
    {
        { o => o.Queue.ShardPrefixLength = 7, "buquet.queue.shard-prefix-length = 7 is out of range: must be between 1 and 4" },
        { o => o.Store.Kind = StoreKind.S3, "buquet.store.s3.bucket is empty but buquet.store.kind = s3" },
        { o => o.Store.S3.Endpoint = "minio:9000", "buquet.store.s3.endpoint = 'minio:9000' is not an absolute http(s) URL" },
        { o => { o.Store.Kind = StoreKind.S3; o.Store.S3.Bucket = "b"; o.Store.S3.AccessKey = "AKIA"; }, "buquet.store.s3.access-key and buquet.store.s3.secret-key must be set together" },
        { o => o.Queue.DefaultTimeout = TimeSpan.FromMilliseconds(1500), "buquet.queue.default-timeout = 1500ms must be a whole number of seconds" },
        { o => o.Queue.RetryPolicy.InitialInterval = TimeSpan.FromMinutes(2), "buquet.queue.retry-policy.initial-interval = 2m must be at most buquet.queue.retry-policy.max-interval = 1m" },
        { o => o.Queue.RetryPolicy.JitterPercent = 1.5, "buquet.queue.retry-policy.jitter-percent = 1.5 is out of range: must be between 0 and 1" },
        { o => o.Worker.Concurrency = 0, "buquet.worker.concurrency = 0 is out of range: must be between 1 and 1024" },
        { o => o.Worker.PerTypeConcurrency["t"] = 9, "buquet.worker.per-type-concurrency.\"t\" = 9 is out of range: must be between 1 and 8 (at most buquet.worker.concurrency)" },
        { o => o.Worker.Shards.Add("A"), "buquet.worker.shards contains 'A': each shard must be 1 lowercase hex character(s)" },
        { o => o.Worker.Id = "a/b", "buquet.worker.id = 'a/b' is invalid" },
        { o => o.Worker.Polling.BackoffMultiplier = 1.0, "buquet.worker.polling.backoff-multiplier = 1 is out of range: must be above 1.0" },
        { o => o.Worker.Polling.MinInterval = TimeSpan.FromSeconds(10), "buquet.worker.polling.min-interval = 10s must be at most buquet.worker.polling.max-interval = 5s" },
        { o => o.Worker.Polling.IdleMaxInterval = TimeSpan.FromSeconds(2), "buquet.worker.polling.max-interval = 5s must be at most buquet.worker.polling.idle-max-interval = 2s" },
        { o => o.Worker.Polling.HintInterval = TimeSpan.Zero, "buquet.worker.polling.hint-interval = 0s must be greater than zero" },
        { o => o.Worker.Polling.MaxHintInterval = TimeSpan.FromMilliseconds(500), "buquet.worker.polling.hint-interval = 1s must be at most buquet.worker.polling.max-hint-interval = 500ms" },
        { o => o.Worker.ShardLeasing.RenewalInterval = TimeSpan.FromSeconds(30), "buquet.worker.shard-leasing.renewal-interval = 30s must be below buquet.worker.shard-leasing.lease-ttl = 30s" },
        { o => o.Worker.HeartbeatInterval = TimeSpan.FromMinutes(2), "buquet.worker.heartbeat-interval = 2m must be below buquet.monitor.worker-health-threshold = 1m" },
        { o => o.Worker.IdleHeartbeatInterval = TimeSpan.FromSeconds(60), "buquet.worker.idle-heartbeat-interval = 1m must be below buquet.monitor.worker-health-threshold = 1m" },
        { o => o.Worker.IdleHeartbeatInterval = TimeSpan.FromSeconds(5), "buquet.worker.heartbeat-interval = 10s must be at most buquet.worker.idle-heartbeat-interval = 5s" },
        { o => o.Clock.EstimateMaxAge = TimeSpan.FromSeconds(1), "buquet.clock.sync-interval = 5s must be at most buquet.clock.estimate-max-age = 1s" },
        { o => o.Worker.LeaseRenewFraction = 1, "buquet.worker.lease-renew-fraction = 1 is out of range" },
        { o => o.Worker.Health.Port = 0, "buquet.worker.health.port = 0 is out of range: must be between 1 and 65535" },
        { o => o.Worker.Health.BindAddress = "any", "buquet.worker.health.bind-address = 'any' is not an IP address or localhost" },
        { o => o.Monitor.SweepPageSize = 5000, "buquet.monitor.sweep-page-size = 5000 is out of range: must be between 1 and 1000" },
        { o => o.Scheduler.DefaultTimeZone = "Mars/Olympus", "buquet.scheduler.default-time-zone = 'Mars/Olympus' is not a known time zone" },
        { o => o.Scheduler.LeaderLeaseTtl = TimeSpan.FromSeconds(30), "buquet.scheduler.tick-interval = 1m must be below buquet.scheduler.leader-lease-ttl = 30s" },
        { o => o.Dashboard.BindAddress = "anywhere", "buquet.dashboard.bind-address = 'anywhere' is not an IP address, localhost or *" },
        { o => o.Dashboard.Port = 70000, "buquet.dashboard.port = 70000 is out of range: must be between 1 and 65535" },
        { o => o.Telemetry.OtlpEndpoint = "collector", "buquet.telemetry.otlp-endpoint = 'collector' is not an absolute http(s) URL" },
        { o => o.Clock.SyncInterval = TimeSpan.Zero, "buquet.clock.sync-interval = 0s must be greater than zero" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Check_BadValue_ReportsKeyValueAndRule(Action<BuquetOptions> change, string expected)
    {
        var options = new BuquetOptions();
        change(options);

        var errors = BuquetOptionsValidator.Check(options);

        var error = Assert.Single(errors);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DashboardOffLoopbackWithoutToken_IsLeftToTheDashboard()
    {
        // Only `buquet serve` serves the dashboard and it refuses this itself (DashboardAuthTests); a worker reading the
        // same file (fleet.example.conf binds 0.0.0.0 with an optional token) must still start.
        var options = new BuquetOptions { Dashboard = { BindAddress = "0.0.0.0" } };

        Assert.Empty(BuquetOptionsValidator.Check(options));
    }

    [Fact]
    public void Load_InvalidConfiguration_ThrowsWithEveryError()
    {
        var config = BuquetConfiguration.Build([], new Dictionary<string, string>(), [new("buquet:queue:shard-prefix-length", "0"), new("buquet:worker:concurrency", "0")]);

        var ex = Assert.Throws<BuquetConfigurationException>(() => BuquetOptions.Load(config));

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("buquet.queue.shard-prefix-length = 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("buquet.worker.concurrency = 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBuquetOptions_InvalidValue_StartupValidationFailsNamingTheKey()
    {
        var config = BuquetConfiguration.Build([], new Dictionary<string, string> { ["BUQUET_SHARD_PREFIX_LEN"] = "9" });
        var services = new ServiceCollection();
        services.AddBuquetOptions(config);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("buquet.queue.shard-prefix-length = 9 is out of range", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBuquetOptions_BadConversion_StartupValidationReportsIt()
    {
        var config = new ConfigurationBuilder().AddHoconString("buquet.worker.drain-deadline = soon").Build();
        var services = new ServiceCollection();
        services.AddBuquetOptions(config);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("buquet.worker.drain-deadline = 'soon' is invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBuquetOptions_ValidConfiguration_ResolvesBoundOptions()
    {
        var config = BuquetConfiguration.Build([], new Dictionary<string, string> { ["BUQUET__WORKER__CONCURRENCY"] = "6" });
        var services = new ServiceCollection();
        services.AddBuquetOptions(config);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(6, provider.GetRequiredService<IOptions<BuquetOptions>>().Value.Worker.Concurrency);
    }
}
