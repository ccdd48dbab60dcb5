using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Configuration;
using Buquet.Actors.Hosting;
using Buquet.Actors.Storage;

namespace Buquet.Host.Cli;

/// <summary><c>buquet doctor</c>: configuration, credentials, bucket, versioning and a conditional-write conformance probe.</summary>
internal static class DoctorCommand
{
    public static Command Create(CliHost host)
    {
        var command = new Command(
            "doctor",
            "Check the configuration, credentials, bucket reachability and versioning, and prove conditional writes hold " +
            "(refuses the store otherwise: exit 2). Writes and deletes a few .doctor-test/ keys.");
        host.SetAction(command, async (ctx, ct) =>
        {
            var checks = new List<DoctorCheck>();
            var exit = await RunAsync(ctx, checks, ct);
            Report(ctx, checks, exit);
            return exit;
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext ctx, List<DoctorCheck> checks, CancellationToken ct)
    {
        BuquetOptions options;
        try
        {
            options = ctx.Options;
            checks.Add(new("configuration", DoctorStatus.Ok, $"valid; store {options.Store.Kind.ToString().ToLowerInvariant()}, {1 << (4 * options.Queue.ShardPrefixLength)} shards"));
        }
        catch (Exception e) when (e is BuquetConfigurationException or HoconParseException or FileNotFoundException or ArgumentException)
        {
            var detail = e is BuquetConfigurationException c && c.Errors.Count > 0 ? string.Join("; ", c.Errors) : e.Message;
            checks.Add(new("configuration", DoctorStatus.Fail, detail));
            return ExitCodes.UserError;
        }

        IObjectStore store;
        var ownsStore = false;
        try
        {
            if (ctx.Environment.OpenStore is { } open)
            {
                store = await open(options, ct);
                checks.Add(new("store", DoctorStatus.Ok, $"opened {store.GetType().Name} (host-supplied)"));
            }
            else
            {
                (store, ownsStore) = await OpenAsync(ctx, options, checks, ct);
            }
        }
        catch (DoctorStop stop)
        {
            return stop.ExitCode;
        }

        try
        {
            try
            {
                var storeNow = await store.GetServerTimeAsync(ct);
                var skew = storeNow - ctx.Time.GetUtcNow();
                checks.Add(new("store clock", Math.Abs(skew.TotalSeconds) > 30 ? DoctorStatus.Warn : DoctorStatus.Ok,
                    $"store time {Output.TaskFormat.TimeMs(storeNow)} (local clock differs by {skew.TotalSeconds:0.0}s; task decisions use the store's)"));
                var probe = await DoctorProbe.RunAsync(store, ct);
                checks.AddRange(probe);
                if (probe.Any(c => c.Status == DoctorStatus.Fail))
                {
                    checks.Add(new("verdict", DoctorStatus.Fail, "REFUSED: conditional writes do not hold on this store, so workers could run a task twice. Use a store that honours If-None-Match and If-Match."));
                    return ExitCodes.InfrastructureError;
                }
            }
            catch (ObjectStoreUnavailableException e)
            {
                checks.Add(new("conformance probe", DoctorStatus.Fail, "the store did not answer: " + e.Message));
                return ExitCodes.InfrastructureError;
            }
        }
        finally
        {
            if (ownsStore && store is IDisposable d)
            {
                d.Dispose();
            }
        }

        return checks.Any(c => c.Status == DoctorStatus.Fail) ? ExitCodes.InfrastructureError : ExitCodes.Ok;
    }

    private static async Task<(IObjectStore Store, bool Owns)> OpenAsync(CliContext ctx, BuquetOptions options, List<DoctorCheck> checks, CancellationToken ct)
    {
        switch (options.Store.Kind)
        {
            case StoreKind.Local:
                var path = Path.GetFullPath(options.Store.Local.Path);
                if (!Directory.Exists(path))
                {
                    // Never create a store while diagnosing: a typo in --local-path must not leave a directory behind.
                    checks.Add(new("local directory", DoctorStatus.Fail, path + " does not exist; nothing was created. Check --local-path (buquet.store.local.path); 'buquet submit' or 'buquet worker' creates it."));
                    throw new DoctorStop(ExitCodes.InfrastructureError);
                }

                checks.Add(new("local directory", DoctorStatus.Ok, path));
                return (await ObjectStoreFactory.CreateAsync(options.Store, StoreAccess.ReadOnly, ctx.Time, ct), true);
            case StoreKind.Memory:
                checks.Add(new("memory store", DoctorStatus.Warn, "in-process only: nothing is shared with other processes"));
                return (await ObjectStoreFactory.CreateAsync(options.Store, ctx.Time, ct), true);
        }

        var s3 = ObjectStoreFactory.ToS3StoreOptions(options.Store);
        checks.Add(new("endpoint", DoctorStatus.Ok, $"bucket '{s3.Bucket}' at {s3.ServiceUrl ?? "AWS " + s3.Region}"));
        checks.Add(s3.AccessKey is not null
            ? new("credentials", DoctorStatus.Ok, $"access key {Mask(s3.AccessKey)} and secret key configured")
            : new("credentials", DoctorStatus.Warn, "no access key configured (AWS_ACCESS_KEY_ID / buquet.store.s3.access-key): using the AWS SDK default credential chain"));
        S3ProbeResult probe;
        try
        {
            s3.Validate();
            probe = await S3ObjectStore.ProbeAsync(s3, ctx.Time, null, ct);
        }
        catch (ArgumentException e)
        {
            checks.Add(new("bucket reachable", DoctorStatus.Fail, e.Message));
            throw new DoctorStop(ExitCodes.UserError);
        }
        catch (Exception e) when (e is ObjectStoreConfigurationException or ObjectStoreUnavailableException)
        {
            checks.Add(new("bucket reachable", DoctorStatus.Fail, e.Message));
            throw new DoctorStop(ExitCodes.InfrastructureError);
        }

        checks.Add(new("bucket reachable", DoctorStatus.Ok, $"'{s3.Bucket}' answered"));
        checks.Add(probe.Versioning
            ? new("versioning", DoctorStatus.Ok, "enabled (task history available)")
            : new("versioning", options.Store.S3.AllowNoVersioning ? DoctorStatus.Warn : DoctorStatus.Fail,
                options.Store.S3.AllowNoVersioning
                    ? "off; allowed by allow-no-versioning (no task history)"
                    : S3VersioningAdvice.VersioningOffShort(probe)));
        if (!probe.CasHolds)
        {
            checks.Add(new("conditional writes", DoctorStatus.Fail, "REFUSED: " + probe.Problem + (S3VersioningAdvice.VersionedCasBroken(probe) is { } advice ? " " + advice : "")));
            throw new DoctorStop(ExitCodes.InfrastructureError);
        }

        checks.Add(new("conditional writes", DoctorStatus.Ok,
            "start-up probe passed" + (probe.UnquotedIfMatch ? " (endpoint needs unquoted If-Match)" : "") + (probe.ConditionalDelete ? "" : "; If-Match on DELETE is ignored")));
        try
        {
            var store = await S3ObjectStore.CreateAsync(s3, ctx.Time, null, ct);
            if (probe.Versioning)
            {
                checks.Add(await LifecycleCheckAsync(store, ct));
            }

            return (store, true);
        }
        catch (Exception e) when (e is ObjectStoreConfigurationException or ObjectStoreUnavailableException)
        {
            checks.Add(new("open store", DoctorStatus.Fail, e.Message));
            throw new DoctorStop(ExitCodes.InfrastructureError);
        }
    }

    /// <summary>Whether the versioned bucket has Buquet's lifecycle rules (<see cref="BucketLifecycle"/>); missing ones are a warning.</summary>
    private static async Task<DoctorCheck> LifecycleCheckAsync(S3ObjectStore store, CancellationToken ct)
    {
        try
        {
            var missing = BucketLifecycle.Missing(await store.GetLifecycleRulesAsync(ct), BucketLifecycle.Recommended());
            return missing.Count == 0
                ? new("lifecycle rules", DoctorStatus.Ok, "old versions and delete markers of index keys, clock and heartbeats expire after 1 day; task history after 30 days or less")
                : new("lifecycle rules", DoctorStatus.Warn,
                    $"missing for {string.Join(", ", missing.Select(r => r.Prefix))}: their old versions and delete markers are kept (and billed) forever; run 'buquet lifecycle --apply'");
        }
        catch (ObjectStoreUnavailableException e)
        {
            return new("lifecycle rules", DoctorStatus.Warn, "could not read the bucket's lifecycle configuration: " + e.Message);
        }
    }

    private static string Mask(string key) => key.Length <= 4 ? "****" : key[..4] + new string('*', Math.Min(12, key.Length - 4));

    private static void Report(CliContext ctx, List<DoctorCheck> checks, int exit)
    {
        if (ctx.Json)
        {
            ctx.Output.WriteJson(new JsonObject
            {
                ["ok"] = exit == ExitCodes.Ok,
                ["exit_code"] = exit,
                ["checks"] = new JsonArray([.. checks.Select(c => (JsonNode)new JsonObject
                {
                    ["name"] = c.Name,
                    ["status"] = c.Status.ToString().ToLowerInvariant(),
                    ["detail"] = c.Detail,
                })]),
            });
        }
        else
        {
            foreach (var c in checks)
            {
                var mark = c.Status switch
                {
                    DoctorStatus.Ok => "[green]✓[/]",
                    DoctorStatus.Warn => "[yellow]⚠[/]",
                    DoctorStatus.Fail => "[red]✗[/]",
                    _ => "[grey]-[/]",
                };
                ctx.Output.Line($"{mark} {Output.CliOutput.Esc(c.Name)}: {Output.CliOutput.Esc(c.Detail)}");
            }

            if (exit == ExitCodes.Ok)
            {
                ctx.Output.Line("[green]All checks passed![/]");
            }
        }

        if (exit != ExitCodes.Ok)
        {
            var failed = checks.Where(c => c.Status == DoctorStatus.Fail).Select(c => c.Name).ToList();
            ctx.Environment.Error.WriteLine($"Error: doctor found problems: {string.Join(", ", failed)}.");
            ctx.Environment.Error.WriteLine(exit == ExitCodes.UserError
                ? "Suggestion: fix the configuration (see 'buquet config validate'), then run 'buquet doctor' again."
                : "Suggestion: fix the store or bucket named above (reachability, versioning, conditional-write support), then run 'buquet doctor' again.");
        }
    }

    private sealed class DoctorStop(int exitCode) : Exception
    {
        public int ExitCode { get; } = exitCode;
    }
}
