using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Buquet.Host.Tests.Support;

namespace Buquet.Host.Tests.Deploy;

/// <summary>
/// Runs the built <c>buquet</c> as a <see cref="LaunchSpec"/> says and checks what an orchestrator would: the process
/// stays up, every declared probe answers 200, a <c>buquet.echo</c> task completes, SIGTERM exits 0.
/// </summary>
internal static class DeployedWorker
{
    /// <summary>
    /// The one variable the test adds. Every worker of a fleet binds its health port in a network namespace of its own
    /// (8080 in the manifests); here they share the machine with other tests, so each run moves it to a free port. The
    /// port the files declare is checked against the resolved configuration before that (<see cref="RunAsync"/>).
    /// </summary>
    public const string HealthPortOverride = "BUQUET_HEALTH_PORT";

    /// <summary>Moves the clustered fleet's remoting port (and binds it on loopback) for the same reason.</summary>
    public const string ClusterPortOverride = "BUQUET_CLUSTER_PORT";

    public static async Task RunAsync(LaunchSpec spec)
    {
        Assert.True(spec.Argv.Count >= 3 && spec.Argv[0] == "dotnet", $"{spec.Name}: expected `dotnet <buquet.dll> worker ...`, got {string.Join(' ', spec.Argv)}");
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "buquet.dll"), Path.GetFullPath(spec.Argv[1]));
        Assert.Equal("worker", spec.Argv[2]);
        var args = spec.Argv.Skip(2).ToArray();

        // The configuration the container would run with: the health listener on, at the port every probe names.
        var settings = await ConfigAsync(spec, args);
        Assert.Equal("true", settings["buquet.worker.health.enabled"]);
        var declaredPort = int.Parse(settings["buquet.worker.health.port"], CultureInfo.InvariantCulture);
        Assert.All(spec.Probes, p => Assert.Equal(declaredPort, p.Port));
        Assert.Contains(declaredPort, spec.DeclaredPorts);
        var probes = spec.Probes.Count > 0 ? spec.Probes : [new DeclaredProbe("readyz", "/readyz", declaredPort), new DeclaredProbe("healthz", "/healthz", declaredPort)];
        var bucket = settings["buquet.store.s3.bucket"];
        await CreateVersionedBucketAsync(bucket);

        var port = FreePort();
        var env = new Dictionary<string, string>(spec.Env) { [HealthPortOverride] = port.ToString(CultureInfo.InvariantCulture) };
        if (bool.TryParse(settings["buquet.cluster.enabled"], out var clustered) && clustered)
        {
            // The same for the cluster's remoting port (4053 in every pod): declared open, then moved to a free
            // loopback port. No peer is reachable here, so the worker must run isolated, ready, and complete the task.
            Assert.Contains(int.Parse(settings["buquet.cluster.port"], CultureInfo.InvariantCulture), spec.DeclaredPorts);
            env[ClusterPortOverride] = FreePort().ToString(CultureInfo.InvariantCulture);
            env["BUQUET_CLUSTER_BIND_HOSTNAME"] = "127.0.0.1";
        }

        using var process = new BuquetProcess(spec.WorkingDirectory, env).Start(args);
        var output = new StringBuilder();
        var healthLine = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.WhenAll(Read(process.StandardOutput, output, healthLine), Read(process.StandardError, output, null));
        try
        {
            // "Health at ..." is printed once the store is open and the supervisor is watched.
            var started = await healthLine.Task.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(started, $"{spec.Name}: the worker exited before serving its probes\n{Snapshot(output)}");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await AssertProbesAsync(http, probes, port, spec.Name, output);
            await AssertCommandProbesAsync(spec, env, output);

            var submitEnv = Moto.Environment(bucket);
            submitEnv["BUQUET_SHARD_PREFIX_LEN"] = settings["buquet.queue.shard-prefix-length"];
            var marker = Guid.NewGuid().ToString("N");
            var submit = await new BuquetProcess(spec.WorkingDirectory, submitEnv).RunAsync("submit", "-t", "buquet.echo", "--input", $$"""{"marker":"{{marker}}"}""", "--wait");
            Assert.True(submit.ExitCode == 0 && submit.Stdout.Contains(marker, StringComparison.Ordinal), $"{spec.Name}: echo did not complete\n{submit}\n--- worker ---\n{Snapshot(output)}");
            Assert.False(process.HasExited, $"{spec.Name}: the worker exited\n{Snapshot(output)}");
            await AssertProbesAsync(http, probes, port, spec.Name, output);
            await AssertCommandProbesAsync(spec, env, output);

            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            {
                await term.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
            await reading.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(process.ExitCode == 0, $"{spec.Name}: SIGTERM exit {process.ExitCode}\n{Snapshot(output)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Runs each command probe with the worker's environment (as the engine runs it in the container): exit 0.</summary>
    private static async Task AssertCommandProbesAsync(LaunchSpec spec, IReadOnlyDictionary<string, string> env, StringBuilder output)
    {
        foreach (var probe in spec.CommandProbes)
        {
            var info = new ProcessStartInfo(probe.Argv[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = spec.WorkingDirectory };
            foreach (var word in probe.Argv.Skip(1))
            {
                info.ArgumentList.Add(word);
            }

            foreach (var (key, value) in env)
            {
                info.Environment[key] = value;
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(process.ExitCode == 0, $"{spec.Name}: {probe.Name} exited {process.ExitCode}\n{await stdout}{await stderr}\n{Snapshot(output)}");
        }
    }

    private static async Task AssertProbesAsync(HttpClient http, IReadOnlyList<DeclaredProbe> probes, int port, string name, StringBuilder output)
    {
        foreach (var probe in probes)
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{probe.Path}"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {probe.Name} {probe.Path} answered {(int)response.StatusCode} {body}\n{Snapshot(output)}");
        }
    }

    /// <summary><c>buquet config show --json</c> with the worker's own arguments and environment.</summary>
    private static async Task<Dictionary<string, string>> ConfigAsync(LaunchSpec spec, string[] workerArgs)
    {
        var run = await new BuquetProcess(spec.WorkingDirectory, new Dictionary<string, string>(spec.Env)).RunAsync(["config", "show", "--json", .. workerArgs.Skip(1)]);
        Assert.True(run.ExitCode == 0, $"{spec.Name}: config show failed\n{run}");
        using var json = JsonDocument.Parse(run.Stdout);
        return json.RootElement.GetProperty("settings").EnumerateArray()
            .ToDictionary(e => e.GetProperty("key").GetString()!, e => e.GetProperty("value").GetString() ?? string.Empty, StringComparer.Ordinal);
    }

    private static async Task CreateVersionedBucketAsync(string bucket)
    {
        using var s3 = Moto.Client();
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Created by an earlier test of this class (the compose and image defaults share the name).
        }

        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
    }

    private static async Task Read(StreamReader reader, StringBuilder output, TaskCompletionSource<bool>? healthLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.StartsWith("Health at ", StringComparison.Ordinal))
            {
                healthLine?.TrySetResult(true);
            }
        }

        healthLine?.TrySetResult(false);
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
