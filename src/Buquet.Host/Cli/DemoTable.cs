using Buquet.Actors.Protocol;
using Buquet.Host.Output;
using Spectre.Console;

namespace Buquet.Host.Cli;

/// <summary>One task of the demo batch: what it shows, the task, and the state it must end in.</summary>
internal sealed record DemoTask(string Label, TaskRecord Task, BuquetTaskStatus Expected);

/// <summary>
/// The demo's live table, fitted to the terminal width (80 columns at least): fixed narrow columns, and the result
/// column takes what is left, cut with an ellipsis, so no cell ever wraps.
/// </summary>
internal static class DemoTable
{
    /// <summary>Longest task label (the labels are chosen to fit; a test holds them to it).</summary>
    public const int LabelWidth = 22;

    private const int StatusWidth = 9; // "cancelled"
    private const int CountWidth = 3;

    // 7 vertical borders, 1 space of padding on each side of 6 columns, and the fixed columns.
    private const int FixedWidth = 7 + (6 * 2) + LabelWidth + StatusWidth + (3 * CountWidth);

    public static Table Render(IReadOnlyList<DemoTask> tasks, int consoleWidth)
    {
        var resultWidth = Math.Clamp(consoleWidth - FixedWidth, 10, 60);
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]buquet demo[/]: built-in handlers")
            .Caption("Att = attempts, Ret = retries, Res = reschedules");
        table.AddColumn(new TableColumn("Task").Width(LabelWidth).NoWrap());
        table.AddColumn(new TableColumn("Status").Width(StatusWidth).NoWrap());
        table.AddColumn(new TableColumn("Att").Width(CountWidth).RightAligned().NoWrap());
        table.AddColumn(new TableColumn("Ret").Width(CountWidth).RightAligned().NoWrap());
        table.AddColumn(new TableColumn("Res").Width(CountWidth).RightAligned().NoWrap());
        table.AddColumn(new TableColumn("Result").Width(resultWidth).NoWrap());
        foreach (var t in tasks)
        {
            var r = t.Task;
            var colour = r.Status switch
            {
                BuquetTaskStatus.Completed => "green",
                BuquetTaskStatus.Failed => "red",
                BuquetTaskStatus.Running => "yellow",
                BuquetTaskStatus.Cancelled => "grey",
                _ => "blue",
            };
            var detail = r.Status == BuquetTaskStatus.Completed ? r.Output?.GetRawText() : r.LastError;
            table.AddRow(
                CliOutput.Esc(Truncate(t.Label, LabelWidth)), $"[{colour}]{r.Status.ToString().ToLowerInvariant()}[/]",
                Count(r.Attempt), Count(r.RetryCount), Count(r.RescheduleCount), CliOutput.Esc(Truncate(detail, resultWidth)));
        }

        return table;
    }

    private static string Count(long n) => n > 999 ? "999" : n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Truncate(string? text, int max) => text is null ? string.Empty : text.Length <= max ? text : text[..(max - 1)] + "…";
}
