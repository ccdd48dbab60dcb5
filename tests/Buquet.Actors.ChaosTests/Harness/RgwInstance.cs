using System.Diagnostics;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Buquet.Actors.Storage;

namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>
/// A private Ceph RGW (scripts/s3/start-rgw.sh in its own directory and ports), so restarting its radosgw daemon cannot
/// disturb the suite's shared RGW. The data lives in the OSD: a radosgw restart keeps every object.
/// </summary>
internal sealed class RgwInstance : IDisposable
{
    private RgwInstance(string root, string dir, Uri endpoint, string accessKey, string secretKey)
    {
        Root = root;
        Dir = dir;
        Endpoint = endpoint;
        AccessKey = accessKey;
        SecretKey = secretKey;
    }

    public string Root { get; }

    public string Dir { get; }

    public Uri Endpoint { get; }

    public string AccessKey { get; }

    public string SecretKey { get; }

    /// <summary>Starts one (about 20 s). Needs the ceph packages the suite's RGW uses (BUQUET_TEST_RGW_ENDPOINT set).</summary>
    public static async Task<RgwInstance> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("BUQUET_TEST_RGW_ENDPOINT") is not { Length: > 0 })
        {
            throw new InvalidOperationException("Ceph RGW is missing: BUQUET_TEST_RGW_ENDPOINT is not set. Run the suite with scripts/test.sh (which starts RGW); the store-restart scenario fails rather than skips.");
        }

        var root = RepoRoot();
        var dir = Path.Combine(Path.GetTempPath(), "buquet-rgw-chaos-" + Guid.NewGuid().ToString("N")[..10]);
        var (code, output) = await RunAsync("bash", [Path.Combine(root, "scripts/s3/start-rgw.sh")], new()
        {
            ["RGW_DIR"] = dir,
            ["RGW_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MON_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RGW_STORE_GB"] = "1",
            ["RGW_SKIP_APT"] = "1",
        }, TimeSpan.FromMinutes(2));
        string? Export(string name) => output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"export {name}=", StringComparison.Ordinal))?[$"export {name}=".Length..];
        if (code != 0 || Export("S3_ENDPOINT") is not { } endpoint)
        {
            throw new InvalidOperationException($"start-rgw.sh failed with {code}:\n{output}");
        }

        return new RgwInstance(root, dir, new Uri(endpoint), Export("S3_ACCESS_KEY")!, Export("S3_SECRET_KEY")!);
    }

    /// <summary>A fresh bucket without versioning (RGW 16.2 breaks conditional writes with versioning on).</summary>
    public Task<string> CreateBucketAsync() => new ChaosBackend("rgw", Endpoint, AccessKey, SecretKey, Versioned: false).CreateBucketAsync();

    public S3StoreOptions StoreOptions(string bucket) => new()
    {
        ServiceUrl = Endpoint.ToString().TrimEnd('/'),
        Bucket = bucket,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        RequestTimeout = TimeSpan.FromSeconds(5),
        MaxAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(50),
        RetryMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>
    /// Kills the radosgw daemon, keeps it down for <paramref name="downFor"/> (the outage the workers must ride out),
    /// starts it again and waits until it answers; returns the whole downtime.
    /// </summary>
    public async Task<TimeSpan> RestartGatewayAsync(TimeSpan downFor)
    {
        var clock = Stopwatch.StartNew();
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(Dir, "run/client.rgw.a.pid")), System.Globalization.CultureInfo.InvariantCulture);
        using (var gateway = Process.GetProcessById(pid))
        {
            gateway.Kill(entireProcessTree: false);
            await gateway.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        await Task.Delay(downFor);
        var (code, output) = await RunAsync("radosgw", ["-c", Path.Combine(Dir, "ceph.conf"), "-n", "client.rgw.a"], [], TimeSpan.FromSeconds(30));
        if (code != 0)
        {
            throw new InvalidOperationException($"radosgw did not restart ({code}): {output}");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            try
            {
                using var _ = await http.GetAsync(Endpoint);
                return clock.Elapsed;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException($"radosgw did not answer within 60 s of its restart (see {Dir}/log).", e);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public void Dispose()
    {
        var stop = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { Path.Combine(Root, "scripts/s3/stop-rgw.sh") }, Environment = { ["RGW_DIR"] = Dir }, UseShellExecute = false, RedirectStandardOutput = true });
        stop?.WaitForExit(60_000);
        stop?.Dispose();
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "scripts/s3/start-rgw.sh")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"scripts/s3/start-rgw.sh not found above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args, Dictionary<string, string> env, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            info.Environment[k] = v;
        }

        using var p = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(timeout);
        return (p.ExitCode, await stdout + await stderr);
    }
}
