using Buquet.Actors.Configuration;

namespace Buquet.Actors.Tests.Configuration;

public sealed class BuquetConfigurationTests : IDisposable
{
    private const string Key = "buquet:queue:shard-prefix-length";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("buquet-config");

    public void Dispose() => _dir.Delete(recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string> Env(params (string Name, string Value)[] vars) => vars.ToDictionary(v => v.Name, v => v.Value);

    private static string LayerOf(Microsoft.Extensions.Configuration.IConfigurationRoot config, string dottedKey) =>
        BuquetConfiguration.Describe(config).Single(e => e.Key == dottedKey).Layer;

    [Theory]
    [InlineData(5, "5", BuquetConfiguration.CommandLineLayer)]
    [InlineData(4, "4", BuquetConfiguration.DotNetEnvironmentLayer)]
    [InlineData(3, "3", BuquetConfiguration.BuquetEnvironmentLayer)]
    [InlineData(2, "2", "file")]
    [InlineData(1, "1", BuquetConfiguration.DefaultsLayer)]
    public void Build_SameKeyInEveryLayer_HighestLayerWins(int layers, string expected, string expectedLayer)
    {
        var files = layers >= 2 ? new[] { File("a.conf", "buquet.queue.shard-prefix-length = 2") } : [];
        var env = new Dictionary<string, string>();
        if (layers >= 3)
        {
            env["BUQUET_SHARD_PREFIX_LEN"] = "3";
        }

        if (layers >= 4)
        {
            env["BUQUET__QUEUE__SHARD_PREFIX_LENGTH"] = "4";
        }

        var cli = layers >= 5 ? new[] { new KeyValuePair<string, string?>("buquet:queue:shard-prefix-length", "5") } : [];

        var config = BuquetConfiguration.Build(files, env, cli);

        Assert.Equal(expected, config[Key]);
        Assert.StartsWith(expectedLayer, LayerOf(config, "buquet.queue.shard-prefix-length"), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SeveralFiles_LaterFileWinsAndObjectsMerge()
    {
        var first = File("first.conf", "buquet.worker { concurrency = 2, id = first }");
        var second = File("second.conf", "buquet.worker.concurrency = 3");

        var options = BuquetOptions.Load(BuquetConfiguration.Build([first, second], Env()));

        Assert.Equal(3, options.Worker.Concurrency);
        Assert.Equal("first", options.Worker.Id);
    }

    [Fact]
    public void Build_BuquetPeersIndexModeVariables_AreIgnored()
    {
        // A fleet may share one environment with buquet (Rust/Python) workers, whose discovery these variables choose.
        var options = BuquetOptions.Load(BuquetConfiguration.Build([], Env(("BUQUET_INDEX_MODE", "log"), ("BUQUET_LOG_SCAN_PAGE_SIZE", "20"))));

        Assert.Equal(BuquetDefaults.WorkerReadyPageSize, options.Worker.ReadyPageSize);
    }

    [Fact]
    public void Build_BuquetEnvironmentVariables_MapOntoSettings()
    {
        var options = BuquetOptions.Load(BuquetConfiguration.Build([], Env(
            ("S3_BUCKET", "fleet"), ("S3_ENDPOINT", "http://minio:9000"), ("S3_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("BUQUET_ALLOW_NO_VERSIONING", "1"),
            ("BUQUET_SHARD_PREFIX_LEN", "2"), ("BUQUET_POLL_INTERVAL_MS", "750"), ("BUQUET_INDEX_MODE", "log"),
            ("BUQUET_SHARDS", "0a,ff"), ("BUQUET_READY_PAGE_SIZE", "200"), ("BUQUET_NO_MONITOR", "true"),
            ("BUQUET_SHARD_LEASING", "true"), ("BUQUET_SHARD_LEASING_TTL_SECS", "40"), ("BUQUET_SHARD_LEASING_RENEW_SECS", "15"),
            ("BUQUET_MONITOR_CHECK_INTERVAL", "20"), ("BUQUET_MONITOR_SWEEP_INTERVAL", "0"), ("BUQUET_SWEEPER_MODE", "on_demand"),
            ("BUQUET_METRICS_EXPORTER", "prometheus"), ("BUQUET_METRICS_PROMETHEUS_PORT", "9100"))));

        Assert.Equal(StoreKind.S3, options.Store.Kind);
        Assert.Equal("fleet", options.Store.S3.Bucket);
        Assert.Equal("http://minio:9000", options.Store.S3.Endpoint);
        Assert.True(options.Store.S3.ForcePathStyle);
        Assert.Equal("eu-west-1", options.Store.S3.Region);
        Assert.Equal(("AKIAEXAMPLE", "secret"), (options.Store.S3.AccessKey, options.Store.S3.SecretKey));
        Assert.True(options.Store.S3.AllowNoVersioning);
        Assert.Equal(2, options.Queue.ShardPrefixLength);
        Assert.Equal(PollingStrategy.Fixed, options.Worker.Polling.Strategy);
        Assert.Equal(TimeSpan.FromMilliseconds(750), options.Worker.Polling.Interval);
        Assert.Equal(["0a", "ff"], options.Worker.Shards);
        Assert.Equal(200, options.Worker.ReadyPageSize);
        Assert.False(options.Monitor.Enabled);
        Assert.True(options.Worker.ShardLeasing.Enabled);
        Assert.Equal((TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(15)), (options.Worker.ShardLeasing.LeaseTtl, options.Worker.ShardLeasing.RenewalInterval));
        Assert.Equal(TimeSpan.FromSeconds(20), options.Monitor.CheckInterval);
        Assert.Equal(TimeSpan.Zero, options.Monitor.SweepInterval);
        Assert.Equal(SweepMode.OnDemand, options.Monitor.SweepMode);
        Assert.True(options.Telemetry.PrometheusEnabled);
        Assert.Equal(9100, options.Telemetry.PrometheusPort);
    }

    [Fact]
    public void Build_BuquetHealthPort_TurnsTheHealthListenerOn()
    {
        var options = BuquetOptions.Load(BuquetConfiguration.Build([], Env(("BUQUET_HEALTH_PORT", "18080"))));
        var bad = Assert.Throws<BuquetConfigurationException>(() => BuquetConfiguration.Build([], Env(("BUQUET_HEALTH_PORT", "http"))));

        Assert.Equal((true, 18080), (options.Worker.Health.Enabled, options.Worker.Health.Port));
        Assert.Contains("BUQUET_HEALTH_PORT = 'http' is not a whole number", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BuquetValidateInput_TurnsWorkerValidationOn()
    {
        var off = BuquetOptions.Load(BuquetConfiguration.Build([], Env()));
        var on = BuquetOptions.Load(BuquetConfiguration.Build([], Env(("BUQUET_VALIDATE_INPUT", "true"))));
        var bad = Assert.Throws<BuquetConfigurationException>(() => BuquetConfiguration.Build([], Env(("BUQUET_VALIDATE_INPUT", "sometimes"))));

        Assert.Equal((false, TimeSpan.FromSeconds(60)), (off.Worker.ValidateInput, off.Worker.SchemaRefreshInterval));
        Assert.True(on.Worker.ValidateInput);
        Assert.Contains("BUQUET_VALIDATE_INPUT", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BuquetValidateOutput_TurnsWorkerOutputValidationOn()
    {
        var off = BuquetOptions.Load(BuquetConfiguration.Build([], Env()));
        var on = BuquetOptions.Load(BuquetConfiguration.Build([], Env(("BUQUET_VALIDATE_OUTPUT", "true"))));

        Assert.False(off.Worker.ValidateOutput);
        Assert.True(on.Worker.ValidateOutput);
        Assert.False(on.Worker.ValidateInput);
        Assert.True(Buquet.Actors.Worker.WorkerSettings.FromOptions(on, "worker-x").ValidateOutput);
    }

    [Fact]
    public void Build_AwsRegionWithoutS3Region_IsTheFallback()
    {
        var options = BuquetOptions.Bind(BuquetConfiguration.Build([], Env(("AWS_REGION", "ap-south-1"))));

        Assert.Equal("ap-south-1", options.Store.S3.Region);
    }

    [Fact]
    public void Build_BadBuquetVariable_ThrowsNamingTheVariable()
    {
        var ex = Assert.Throws<BuquetConfigurationException>(() => BuquetConfiguration.Build([], Env(("BUQUET_SHARD_PREFIX_LEN", "two"), ("BUQUET_NO_MONITOR", "perhaps"))));

        Assert.Contains("environment variable BUQUET_SHARD_PREFIX_LEN = 'two' is not a whole number >= 0", ex.Errors);
        Assert.Contains(ex.Errors, e => e.StartsWith("environment variable BUQUET_NO_MONITOR = 'perhaps' is not a boolean", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_DotNetOverrideInAnyCase_MapsToKebabKeysAndBeatsBuquetVariables()
    {
        var config = BuquetConfiguration.Build([], Env(
            ("BUQUET__WORKER__SHARD_LEASING__LEASE_TTL", "1m"), ("Buquet__Worker__ShardLeasing__RenewalInterval", "20s"),
            ("BUQUET_SHARD_LEASING_TTL_SECS", "40")));

        var options = BuquetOptions.Load(config);

        Assert.Equal(TimeSpan.FromMinutes(1), options.Worker.ShardLeasing.LeaseTtl);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Worker.ShardLeasing.RenewalInterval);
        Assert.Equal("1m", config["buquet:worker:shard-leasing:lease-ttl"]);
    }

    [Fact]
    public void Build_ListInHigherLayer_ReplacesTheLowerListEntirely()
    {
        var file = File("shards.conf", "buquet.worker.shards = [\"0\", \"1\", \"2\"]");

        var fromEnv = BuquetOptions.Bind(BuquetConfiguration.Build([file], Env(("BUQUET_SHARDS", "a,b"))));
        var fromCli = BuquetOptions.Bind(BuquetConfiguration.Build([file], Env(), [new("Buquet:Worker:Shards:0", "f")]));
        var emptied = BuquetOptions.Bind(BuquetConfiguration.Build([file, File("none.conf", "buquet.worker.shards = []")], Env()));

        Assert.Equal(["a", "b"], fromEnv.Worker.Shards);
        Assert.Equal(["f"], fromCli.Worker.Shards);
        Assert.Empty(emptied.Worker.Shards);
    }

    [Fact]
    public void Build_MapKeysInOverrides_KeepTheirSpelling()
    {
        var options = BuquetOptions.Bind(BuquetConfiguration.Build([], Env(), [new("buquet:worker:per-type-concurrency:SendEmail", "1")]));

        Assert.Equal(1, options.Worker.PerTypeConcurrency["SendEmail"]);
    }

    [Fact]
    public void Load_RetentionSection_AgesBoundAndZeroKeeps()
    {
        var file = File("retention.conf", "buquet.retention { completed = 1d, failed = 0, cancelled = 12h, max-objects-per-step = 200 }");

        var options = BuquetOptions.Load(BuquetConfiguration.Build([file], Env()));

        Assert.Equal(TimeSpan.FromDays(1), options.Retention.Completed);
        Assert.Equal(TimeSpan.Zero, options.Retention.Failed);
        Assert.Equal(TimeSpan.FromHours(12), options.Retention.Cancelled);
        Assert.Equal(TimeSpan.FromDays(7), options.Retention.Expired);
        Assert.Equal(200, options.Retention.MaxObjectsPerStep);
        Assert.Null(Buquet.Actors.Worker.Maintenance.RetentionPolicy.FromOptions(options.Retention).RemovableAt(
            new Buquet.Actors.Protocol.TaskRecord
            {
                Id = Guid.NewGuid(), Shard = "a", TaskType = "t", Status = Buquet.Actors.Protocol.BuquetTaskStatus.Failed,
                CreatedAt = DateTimeOffset.UnixEpoch, AvailableAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
                CompletedAt = DateTimeOffset.UnixEpoch,
            }));
    }

    [Fact]
    public void Load_RetentionBadValues_EveryProblemNamed()
    {
        var file = File("retention.conf", "buquet.retention { completed = 7, step-interval = 0, max-objects-per-step = 0 }");

        var ex = Assert.Throws<BuquetConfigurationException>(() => BuquetOptions.Load(BuquetConfiguration.Build([file], Env())));

        Assert.Contains(ex.Errors, e => e.Contains("buquet.retention.completed", StringComparison.Ordinal) && e.Contains("unit is missing", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("buquet.retention.step-interval = 0s must be greater than zero", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("buquet.retention.max-objects-per-step = 0 is out of range", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_HoconSubstitution_ReadsTheGivenEnvironment()
    {
        var file = File("fleet.conf", "buquet.store.s3.bucket = \"default\"\nbuquet.store.s3.bucket = ${?MY_BUCKET}\n");

        var set = BuquetConfiguration.Build([file], Env(("MY_BUCKET", "from-env")));
        var unset = BuquetConfiguration.Build([file], Env());

        Assert.Equal("from-env", set["buquet:store:s3:bucket"]);
        Assert.Equal("default", unset["buquet:store:s3:bucket"]);
    }

    [Fact]
    public void Build_SubstitutionOfLowerLayerSetting_ResolvesAgainstEarlierFilesAndDefaults()
    {
        var first = File("first.conf", "buquet.worker.id = base");
        var second = File("second.conf", "buquet.worker.id = ${buquet.worker.id}\"-2\"\nbuquet.store.local.path = ${buquet.store.local.path}\"/sub\"\n");

        var config = BuquetConfiguration.Build([first, second], Env());

        Assert.Equal("base-2", config["buquet:worker:id"]);
        Assert.Equal("./buquet-data/sub", config["buquet:store:local:path"]);
    }

    [Fact]
    public void Build_NoFilesButBuquetConfigSet_LoadsThatFile()
    {
        var file = File("env.conf", "buquet.worker.id = from-buquet-config");

        var config = BuquetConfiguration.Build(null, Env(("BUQUET_CONFIG", file)));

        Assert.Equal("from-buquet-config", config["buquet:worker:id"]);
    }

    [Fact]
    public void Build_MissingOrInvalidFile_Throws()
    {
        Assert.Throws<FileNotFoundException>(() => BuquetConfiguration.Build([Path.Combine(_dir.FullName, "absent.conf")], Env()));
        var ex = Assert.Throws<HoconParseException>(() => BuquetConfiguration.Build([File("bad.conf", "buquet {\n  worker.id = \n}")], Env()));
        Assert.Equal((2, 15), (ex.Line, ex.Column));
    }

    [Fact]
    public void Describe_Secrets_AreRedactedAndLayersNamed()
    {
        var file = File("secrets.conf", "buquet.dashboard.access-token = hunter2");
        var config = BuquetConfiguration.Build([file], Env(("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI")));

        var entries = BuquetConfiguration.Describe(config);
        var shown = BuquetConfiguration.Show(config);

        Assert.Equal(new BuquetConfigurationEntry("buquet.store.s3.secret-key", "<redacted>", BuquetConfiguration.BuquetEnvironmentLayer, true), entries.Single(e => e.Key == "buquet.store.s3.secret-key"));
        Assert.Equal("AKIA<redacted>", entries.Single(e => e.Key == "buquet.store.s3.access-key").Value);
        Assert.Equal($"file {file}", entries.Single(e => e.Key == "buquet.dashboard.access-token").Layer);
        Assert.DoesNotContain("hunter2", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI", shown, StringComparison.Ordinal);
        Assert.Contains("buquet.worker.concurrency = \"8\"", shown, StringComparison.Ordinal);
        Assert.Equal(BuquetOptionsBinder.SettingPaths().Order(StringComparer.Ordinal), entries.Select(e => e.Key));
    }

    [Fact]
    public void Describe_ListsMapsAndUnknownKeys_AreShown()
    {
        var file = File("lists.conf", "buquet.worker { shards = [\"0\", \"1\"], per-type-concurrency { \"buquet.echo\" = 1 }, concurency = 3 }");
        var config = BuquetConfiguration.Build([file], Env());

        var entries = BuquetConfiguration.Describe(config);

        Assert.Equal("[\"0\", \"1\"]", entries.Single(e => e.Key == "buquet.worker.shards").Value);
        Assert.Equal($"file {file}", entries.Single(e => e.Key == "buquet.worker.shards").Layer);
        Assert.Equal("{ \"buquet.echo\" = 1 }", entries.Single(e => e.Key == "buquet.worker.per-type-concurrency").Value);
        Assert.Equal("[]", entries.Single(e => e.Key == "buquet.worker.task-types").Value);
        Assert.Equal($"file {file} (unknown setting)", entries.Single(e => e.Key == "buquet.worker.concurency").Layer);
    }

    [Fact]
    public void LocalConf_Loads_AsAValidLocalStoreConfiguration()
    {
        var options = BuquetOptions.Load(BuquetConfiguration.Build([Path.Combine(RepositoryFiles.HoconDirectory, "local.conf")], Env()));

        Assert.Equal(StoreKind.Local, options.Store.Kind);
        Assert.True(options.Worker.BuiltInHandlers);
        Assert.Equal("127.0.0.1", options.Dashboard.BindAddress);
    }

    [Fact]
    public void FleetExampleConf_WithBuquetEnvFile_LoadsAsAValidS3Configuration()
    {
        var path = Path.Combine(RepositoryFiles.HoconDirectory, "fleet.example.conf");

        var options = BuquetOptions.Load(BuquetConfiguration.Build([path], Env(
            ("S3_BUCKET", "prod-tasks"), ("S3_ENDPOINT", "https://minio.internal:9000"), ("AWS_ACCESS_KEY_ID", "minio"), ("AWS_SECRET_ACCESS_KEY", "minio123"))));
        var defaults = BuquetOptions.Load(BuquetConfiguration.Build([path], Env()));

        Assert.Equal(StoreKind.S3, options.Store.Kind);
        Assert.Equal(("prod-tasks", "https://minio.internal:9000"), (options.Store.S3.Bucket, options.Store.S3.Endpoint));
        Assert.Equal("minio123", options.Store.S3.SecretKey);
        Assert.Equal(("buquet", "http://minio:9000"), (defaults.Store.S3.Bucket, defaults.Store.S3.Endpoint));
        Assert.True(defaults.Store.S3.ForcePathStyle);

        // The container fleet runs tasks out of the box and answers its probes (deploy/): built-ins and health on.
        Assert.True(options.Worker.BuiltInHandlers);
        Assert.Equal((true, "0.0.0.0", 8080), (options.Worker.Health.Enabled, options.Worker.Health.BindAddress, options.Worker.Health.Port));
    }
}
