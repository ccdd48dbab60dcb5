using System.Text;

namespace Buquet.Actors.Diagnostics;

/// <summary>Everything read from an execution log directory.</summary>
/// <param name="Entries">Every well-formed line, in file order per file.</param>
/// <param name="Executions">Start lines paired with their end lines by execution id.</param>
/// <param name="TornLines">Unterminated last lines (a process killed mid-write); skipped.</param>
/// <param name="BadLines">Terminated lines that do not parse, with their problem.</param>
/// <param name="OrphanEnds">End lines without a start line.</param>
internal sealed record ExecutionLogContents(
    IReadOnlyList<ExecutionLogEntry> Entries,
    IReadOnlyList<Execution> Executions,
    int TornLines,
    IReadOnlyList<string> BadLines,
    IReadOnlyList<ExecutionLogEntry> OrphanEnds);

/// <summary>Reads and merges every <c>exec-*.jsonl</c> file of a directory.</summary>
internal static class ExecutionLogReader
{
    /// <summary>Reads <paramref name="directory"/>; a missing directory is an empty log.</summary>
    public static ExecutionLogContents ReadDirectory(string directory)
    {
        var entries = new List<ExecutionLogEntry>();
        var bad = new List<string>();
        var torn = 0;
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.GetFiles(directory, "exec-*.jsonl").Order(StringComparer.Ordinal))
            {
                torn += ReadFile(file, entries, bad);
            }
        }

        return Pair(entries, torn, bad);
    }

    /// <summary>Pairs entries into executions.</summary>
    public static ExecutionLogContents Pair(IReadOnlyList<ExecutionLogEntry> entries, int tornLines = 0, IReadOnlyList<string>? badLines = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var ends = new Dictionary<Guid, ExecutionLogEntry>();
        foreach (var e in entries.Where(e => e.Event == ExecutionEvent.End))
        {
            ends[e.ExecutionId] = e;
        }

        var starts = entries.Where(e => e.Event == ExecutionEvent.Start).ToList();
        var startIds = starts.Select(s => s.ExecutionId).ToHashSet();
        var executions = starts.Select(s => new Execution(s, ends.GetValueOrDefault(s.ExecutionId))).ToList();
        var orphans = ends.Values.Where(e => !startIds.Contains(e.ExecutionId)).ToList();
        return new ExecutionLogContents(entries, executions, tornLines, badLines ?? [], orphans);
    }

    private static int ReadFile(string file, List<ExecutionLogEntry> entries, List<string> bad)
    {
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(file));
        var lines = text.Split('\n');
        // Everything after the last newline is an unterminated (torn) line, or empty.
        for (var i = 0; i < lines.Length - 1; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            try
            {
                entries.Add(ExecutionLogFormat.Parse(lines[i]));
            }
            catch (FormatException e)
            {
                bad.Add($"{Path.GetFileName(file)}:{i + 1}: {e.Message}");
            }
        }

        return lines[^1].Length > 0 ? 1 : 0;
    }
}
