using System.CommandLine;
using System.Text.Json.Nodes;
using Buquet.Actors.Worker.Maintenance;

namespace Buquet.Host.Cli;

/// <summary>
/// <c>buquet purge</c>: one retention pass over every shard now, with the <c>buquet.retention</c> ages (or
/// <c>--older-than</c>, for the statuses in <c>--status</c>). The same code and fencing as the workers' retention: each
/// delete is conditional on the ETag read, so a task changed meanwhile is kept.
/// </summary>
internal static class PurgeCommand
{
    private static readonly string[] Statuses = ["completed", "failed", "cancelled", "expired", "archived"];

    public static Command Create(CliHost host)
    {
        var olderThan = new Option<string?>("--older-than") { Description = "Remove tasks finished longer ago than this (e.g. 7d), instead of the buquet.retention ages.", HelpName = "DUR" };
        var status = new Option<string?>("--status") { Description = "Only these statuses, comma-separated: completed, failed, cancelled, expired, archived (default: every status with an age).", HelpName = "LIST" };
        var command = new Command(
            "purge",
            "Delete finished tasks (with their payloads and ready key) older than the buquet.retention ages, or --older-than, " +
            "in one pass over every shard. Workers do this continuously; this is the on-demand path.")
        {
            olderThan, status,
        };
        host.SetAction(command, async (ctx, ct) =>
        {
            var policy = Policy(RetentionPolicy.FromOptions(ctx.Options.Retention), ctx.Parse.GetValue(olderThan), ctx.Parse.GetValue(status));
            if (!policy.Enabled)
            {
                throw CliException.User("Nothing to purge: every selected status is kept forever (age 0).", "Pass --older-than (e.g. 7d) or set buquet.retention ages.");
            }

            var client = await ctx.GetClientAsync(ct);
            var repository = client.Repository;
            IReadOnlySet<string> all = repository.Shards.All.ToHashSet(StringComparer.Ordinal);
            var report = await new RetentionSweeper(repository, policy, () => all).PassAsync(ct);
            if (ctx.Json)
            {
                ctx.Output.WriteJson(new JsonObject
                {
                    ["listed"] = report.Listed,
                    ["read"] = report.Read,
                    ["removed"] = report.Removed,
                    ["changed_meanwhile"] = report.Changed,
                    ["malformed"] = report.Malformed,
                });
            }
            else
            {
                ctx.Output.Plain($"Purged {report.Removed} finished task(s): {report.Listed} task object(s) listed, {report.Read} read, {report.Changed} changed meanwhile (kept), {report.Malformed} malformed (left alone).");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static RetentionPolicy Policy(RetentionPolicy configured, string? olderThan, string? statusList)
    {
        var selected = statusList is null
            ? Statuses.ToHashSet(StringComparer.Ordinal)
            : statusList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        if (selected.FirstOrDefault(s => !Statuses.Contains(s)) is { } bad)
        {
            throw CliException.User($"--status '{bad}' is not a finished status.", $"Use a comma-separated list of {string.Join(", ", Statuses)}.");
        }

        var age = olderThan is null ? (TimeSpan?)null : CliParsing.Duration("--older-than", olderThan);
        if (age is { } a && a <= TimeSpan.Zero)
        {
            throw CliException.User($"--older-than {olderThan} must be positive.", "Pass an age such as 1h or 7d.");
        }

        // Archived tasks are an operator's choice to keep: --older-than applies to them only when --status names them.
        TimeSpan Pick(string name, TimeSpan configuredAge) =>
            !selected.Contains(name) ? TimeSpan.Zero
            : age is { } given && (name != "archived" || statusList is not null) ? given
            : configuredAge;
        return new RetentionPolicy(
            Pick("completed", configured.Completed),
            Pick("failed", configured.Failed),
            Pick("cancelled", configured.Cancelled),
            Pick("expired", configured.Expired),
            Pick("archived", configured.Archived));
    }
}
