using Buquet.Actors.Configuration;
using Microsoft.Extensions.Configuration;

namespace Buquet.Actors.Tests.Configuration;

public sealed class BuquetOptionsBinderTests
{
    private static IConfigurationRoot Hocon(string text) =>
        new ConfigurationBuilder().Add(new HoconConfigurationSource { Content = text, Environment = _ => null }).Build();

    [Fact]
    public void Bind_KebabCaseKeys_SetPropertiesWithDurationsSizesAndEnums()
    {
        var options = BuquetOptions.Bind(Hocon("""
            buquet {
              queue { shard-prefix-length = 2, payload-offload-threshold = 1MB, default-timeout = 2m }
              queue.retry-policy.jitter-percent = 0.5
              worker {
                built-in-handlers = off
                per-type-concurrency { "buquet.echo" = 2, SendEmail = 1 }
                shards = ["0a", "ff"]
                task-types = "a, b"
                polling.strategy = fixed
                shard-leasing.lease-ttl = 45s
              }
              monitor.sweep-mode = on-demand
              store.s3.force-path-style = yes
            }
            """));

        Assert.Equal(2, options.Queue.ShardPrefixLength);
        Assert.Equal(1_000_000, options.Queue.PayloadOffloadThreshold);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Queue.DefaultTimeout);
        Assert.Equal(0.5, options.Queue.RetryPolicy.JitterPercent);
        Assert.False(options.Worker.BuiltInHandlers);
        Assert.Equal(2, options.Worker.PerTypeConcurrency["buquet.echo"]);
        Assert.Equal(1, options.Worker.PerTypeConcurrency["SendEmail"]);
        Assert.Equal(["0a", "ff"], options.Worker.Shards);
        Assert.Equal(["a", "b"], options.Worker.TaskTypes);
        Assert.Equal(PollingStrategy.Fixed, options.Worker.Polling.Strategy);
        Assert.Equal(TimeSpan.FromSeconds(45), options.Worker.ShardLeasing.LeaseTtl);
        Assert.Equal(SweepMode.OnDemand, options.Monitor.SweepMode);
        Assert.True(options.Store.S3.ForcePathStyle);
    }

    [Fact]
    public void Bind_PascalCaseKeys_BindLikeAppSettings()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Buquet:Queue:ShardPrefixLength"] = "3",
            ["Buquet:Worker:ShardLeasing:Enabled"] = "true",
            ["Buquet:Store:Kind"] = "S3",
        }).Build();

        var options = BuquetOptions.Bind(config);

        Assert.Equal(3, options.Queue.ShardPrefixLength);
        Assert.True(options.Worker.ShardLeasing.Enabled);
        Assert.Equal(StoreKind.S3, options.Store.Kind);
    }

    [Fact]
    public void Bind_UnsetKeysAndNull_KeepDefaults()
    {
        var options = BuquetOptions.Bind(Hocon("buquet.queue.default-max-reschedules = null\nbuquet.worker.id = null\n"));

        Assert.Null(options.Queue.DefaultMaxReschedules);
        Assert.Equal(string.Empty, options.Worker.Id);
        Assert.Equal(BuquetDefaults.WorkerHeartbeatInterval, options.Worker.HeartbeatInterval);
    }

    [Fact]
    public void Bind_BadValues_ThrowsListingEveryKeyAndValue()
    {
        var ex = Assert.Throws<BuquetConfigurationException>(() => BuquetOptions.Bind(Hocon("""
            buquet.worker.concurrency = many
            buquet.worker.heartbeat-interval = 10
            buquet.queue.max-payload-size = 10XB
            buquet.store.kind = ftp
            buquet.dashboard.no-auth = maybe
            buquet.worker.per-type-concurrency { x = lots }
            """)));

        Assert.Contains("buquet.worker.concurrency = 'many' is invalid: expected a whole number", ex.Errors);
        Assert.Contains(ex.Errors, e => e.StartsWith("buquet.worker.heartbeat-interval = '10' is invalid", StringComparison.Ordinal) && e.Contains("unit is missing", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("buquet.queue.max-payload-size = '10XB' is invalid", StringComparison.Ordinal));
        Assert.Contains("buquet.store.kind = 'ftp' is invalid: expected one of local, s3, memory", ex.Errors);
        Assert.Contains("buquet.dashboard.no-auth = 'maybe' is invalid: expected true or false", ex.Errors);
        Assert.Contains("buquet.worker.per-type-concurrency.\"x\" = 'lots' is invalid: expected a whole number", ex.Errors);
        Assert.Equal(6, ex.Errors.Count);
    }

    [Fact]
    public void Bind_UnknownKey_SuggestsTheNearestSetting()
    {
        var ex = Assert.Throws<BuquetConfigurationException>(() => BuquetOptions.Bind(Hocon("buquet.worker.concurency = 2\nbuquet.wrker.id = x\n")));

        Assert.Contains("unknown setting buquet.worker.concurency: did you mean buquet.worker.concurrency?", ex.Errors);
        Assert.Contains("unknown setting buquet.wrker: did you mean buquet.worker?", ex.Errors);
    }

    [Fact]
    public void Bind_RemovedIndexModeSettings_FailNamingTheReasonInsteadOfUnknown()
    {
        var ex = Assert.Throws<BuquetConfigurationException>(() => BuquetOptions.Bind(Hocon("buquet.worker { index-mode = log-scan, LogScanPageSize = 20 }\n")));

        Assert.Equal(2, ex.Errors.Count);
        Assert.StartsWith("buquet.worker.index-mode was removed: the worker always discovers tasks through the ready index", ex.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("buquet.worker.log-scan-page-size was removed: there is no log-scan discovery", ex.Errors[1], StringComparison.Ordinal);
        Assert.All(ex.Errors, e => Assert.EndsWith("(ADR 0021). Delete the line", e, StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_ValueWhereSectionExpected_ReportsIt()
    {
        var ex = Assert.Throws<BuquetConfigurationException>(() => BuquetOptions.Bind(Hocon("buquet.worker.polling = fast\n")));

        Assert.Contains(ex.Errors, e => e.StartsWith("buquet.worker.polling is a section, not a value (got 'fast')", StringComparison.Ordinal));
    }

    [Fact]
    public void Properties_EverySectionType_KeptForTrimmingAndNativeAot()
    {
        // A section type missing from the binder's DynamicDependency list loses its properties in a Native AOT build,
        // and that worker then refuses every one of its settings as unknown.
        var sections = new HashSet<Type>();
        void Collect(Type type)
        {
            if (sections.Add(type))
            {
                foreach (var p in BuquetOptionsBinder.Properties(type).Where(p => BuquetOptionsBinder.IsSection(p.PropertyType)))
                {
                    Collect(p.PropertyType);
                }
            }
        }

        Collect(typeof(BuquetOptions));
        var kept = typeof(BuquetOptionsBinder).GetMethod(nameof(BuquetOptionsBinder.Properties), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .GetCustomAttributes(typeof(System.Diagnostics.CodeAnalysis.DynamicDependencyAttribute), false)
            .Cast<System.Diagnostics.CodeAnalysis.DynamicDependencyAttribute>()
            .Where(a => a.MemberTypes.HasFlag(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties))
            .Select(a => a.Type!)
            .ToHashSet();

        Assert.True(sections.Count >= 14, $"found only {sections.Count} section types");
        Assert.Empty(sections.Except(kept).Select(t => t.Name));
    }
}
