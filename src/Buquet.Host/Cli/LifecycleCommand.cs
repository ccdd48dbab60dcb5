using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Storage;

namespace Buquet.Host.Cli;

/// <summary>
/// <c>buquet lifecycle [--apply]</c>: shows which of Buquet's bucket lifecycle rules (<see cref="BucketLifecycle"/>) the S3
/// bucket has, and with <c>--apply</c> writes them (the bucket's other rules are kept). <c>buquet doctor</c> reports the same.
/// </summary>
internal static class LifecycleCommand
{
    public static Command Create(CliHost host)
    {
        var apply = new Option<bool>("--apply") { Description = "Write the missing rules (Buquet's buquet-* rules are replaced; the bucket's other rules are kept)." };
        var historyDays = new Option<int>("--task-history-days") { Description = "Days old versions of task objects and payloads (buquet history) are kept.", HelpName = "DAYS", DefaultValueFactory = _ => BucketLifecycle.DefaultTaskHistoryDays };
        var command = new Command(
            "lifecycle",
            "Bucket lifecycle rules that stop a versioned bucket from keeping old versions and delete markers of index keys, " +
            "the clock probe and heartbeats forever (noncurrent versions after 1 day; task history after --task-history-days). " +
            "Shows what is missing; --apply writes it. S3 stores only.")
        {
            apply, historyDays,
        };
        host.SetAction(command, async (ctx, ct) =>
        {
            var days = ctx.Parse.GetValue(historyDays);
            if (days is < 1 or > 36_500)
            {
                throw CliException.User($"--task-history-days {days} is out of range.", "Use 1..36500.");
            }

            if (await ctx.GetStoreAsync(ct) is not S3ObjectStore s3)
            {
                throw CliException.User("Lifecycle rules belong to an S3 bucket; the configured store is not S3.", "Point buquet at the bucket (--store s3 / S3_BUCKET) and run it again.");
            }

            var wanted = BucketLifecycle.Recommended(days);
            var missing = BucketLifecycle.Missing(await s3.GetLifecycleRulesAsync(ct), wanted);
            var applied = false;
            if (missing.Count > 0 && ctx.Parse.GetValue(apply))
            {
                await s3.PutLifecycleRulesAsync(wanted, ct);
                missing = BucketLifecycle.Missing(await s3.GetLifecycleRulesAsync(ct), wanted);
                applied = true;
            }

            Report(ctx, s3.Bucket, wanted, missing, applied);
            return missing.Count == 0 ? ExitCodes.Ok : ExitCodes.InfrastructureError;
        });
        return command;
    }

    private static void Report(CliContext ctx, string bucket, IReadOnlyList<BucketLifecycleRule> wanted, IReadOnlyList<BucketLifecycleRule> missing, bool applied)
    {
        if (ctx.Json)
        {
            ctx.Output.WriteJson(new JsonObject
            {
                ["bucket"] = bucket,
                ["applied"] = applied,
                ["rules"] = new JsonArray([.. wanted.Select(r => (JsonNode)new JsonObject
                {
                    ["id"] = r.Id,
                    ["prefix"] = r.Prefix,
                    ["noncurrent_days"] = r.NoncurrentDays,
                    ["expired_delete_markers_removed"] = r.RemoveExpiredDeleteMarkers,
                    ["present"] = !missing.Contains(r),
                })]),
            });
            return;
        }

        ctx.Output.Plain($"Lifecycle rules of bucket '{bucket}'{(applied ? " (applied)" : "")}:");
        foreach (var rule in wanted)
        {
            ctx.Output.Plain($"  {(missing.Contains(rule) ? "missing" : "present")}  {rule.Id}  {rule}");
        }

        if (missing.Count > 0)
        {
            ctx.Environment.Error.WriteLine($"Error: {missing.Count} lifecycle rule(s) missing.");
            ctx.Environment.Error.WriteLine("Suggestion: run 'buquet lifecycle --apply' (needs s3:PutLifecycleConfiguration).");
        }
    }
}
