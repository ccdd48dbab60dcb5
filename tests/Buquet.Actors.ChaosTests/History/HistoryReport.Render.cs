using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Buquet.Actors.ChaosTests.History;

/// <summary>Markdown and JSON renderings.</summary>
public sealed partial record HistoryReport
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>A summary object (counts and figures, examples of ids) as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        passed = Passed,
        seed = Seed,
        submitted = Submitted,
        finalStates = FinalStates,
        lost = Lost.Count,
        malformed = Malformed.Count,
        stuckRunning = StuckRunning.Count,
        stuckPending = StuckPending.Count,
        unexpected = Unexpected.Count,
        executions = Executions,
        executionsPerTask = ExecutionsPerTask.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
        duplicatedTasks = DuplicatedTasks,
        extraExecutions = ExtraExecutions,
        explainedExtraExecutions = ExplainedExtraExecutions,
        duplicateCauses = DuplicateCauses,
        unexplainedDuplicates = UnexplainedDuplicates.Count,
        sameAttemptDuplicates = SameAttemptDuplicates.Count,
        overlaps = Overlaps.Count,
        maxOverlapMs = MaxOverlap.TotalMilliseconds,
        leaseTtlMs = LeaseTtl.TotalMilliseconds,
        kills = Kills,
        recoveries = Recoveries.Count,
        recoveryP50Ms = RecoveryP50?.TotalMilliseconds,
        recoveryP99Ms = RecoveryP99?.TotalMilliseconds,
        recoveryMaxMs = RecoveryMax?.TotalMilliseconds,
        completedWithoutExecution = CompletedWithoutExecution.Count,
        foreignExecutions = ForeignExecutions,
        tornLogLines = TornLogLines,
        badLogLines = BadLogLines,
        faultsInjected = FaultsInjected,
        violations = Violations,
    }, JsonOptions);

    /// <summary>A markdown section for docs/reliability.md.</summary>
    public string ToMarkdown(string? title = null)
    {
        var b = new StringBuilder();
        b.Append("### ").AppendLine(title ?? "Chaos run");
        b.AppendLine();
        b.Append("**").Append(Passed ? "PASSED" : "FAILED").Append("**");
        if (Seed is { } seed)
        {
            b.Append(CultureInfo.InvariantCulture, $" (seed {seed})");
        }

        b.AppendLine().AppendLine();
        b.AppendLine("| figure | value |");
        b.AppendLine("|---|---|");
        Row(b, "tasks submitted", Submitted);
        Row(b, "final states", string.Join(", ", FinalStates.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}")));
        Row(b, "lost (must be 0)", Lost.Count);
        Row(b, "stuck running / pending", $"{StuckRunning.Count} / {StuckPending.Count}");
        Row(b, "not in an allowed terminal state", Unexpected.Count);
        Row(b, "handler executions", Executions);
        Row(b, "executions per task", string.Join(", ", ExecutionsPerTask.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×: {kv.Value}")));
        Row(b, "duplicated tasks / extra executions", $"{DuplicatedTasks} / {ExtraExecutions} ({ExplainedExtraExecutions} explained by a kill, timeout, retry or lost lease)");
        Row(b, "re-executions by cause (how the previous execution ended)", DuplicateCauses.Count == 0 ? "none" : string.Join(", ", DuplicateCauses.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        Row(b, "unexplained duplicates", UnexplainedDuplicates.Count);
        Row(b, "same-attempt duplicates", SameAttemptDuplicates.Count);
        Row(b, "overlapping executions", $"{Overlaps.Count}, max {Ms(MaxOverlap)} (lease TTL {Ms(LeaseTtl)})");
        Row(b, "worker kills", Kills);
        Row(b, "recovery after kill p50 / p99 / max", $"{Ms(RecoveryP50)} / {Ms(RecoveryP99)} / {Ms(RecoveryMax)} over {Recoveries.Count} task(s)");
        Row(b, "faults injected", FaultsInjected.Count == 0 ? "none" : string.Join(", ", FaultsInjected.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key} {kv.Value}")));
        Row(b, "execution log: torn / bad lines", $"{TornLogLines} / {BadLogLines}");
        if (Violations.Count > 0)
        {
            b.AppendLine().AppendLine("Violations:").AppendLine();
            foreach (var v in Violations)
            {
                b.Append("- ").AppendLine(v);
            }
        }

        return b.ToString();
    }

    private static void Row(StringBuilder b, string name, object value) => b.Append("| ").Append(name).Append(" | ").Append(Convert.ToString(value, CultureInfo.InvariantCulture)).AppendLine(" |");

    private static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms" : "n/a";
}
