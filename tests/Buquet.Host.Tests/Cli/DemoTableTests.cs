using System.Text.Json;
using Buquet.Actors.Client;
using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Buquet.Host.Cli;
using Spectre.Console;

namespace Buquet.Host.Tests.Cli;

public sealed class DemoTableTests
{
    private static async Task<List<DemoTask>> FinishedBatchAsync()
    {
        var batch = await DemoCommand.SubmitBatchAsync(new BuquetClient(new InMemoryObjectStore()), CancellationToken.None);
        using var output = JsonDocument.Parse("""{"greeting":"hello","n":1,"padding":"a long output that cannot fit in the table"}""");
        return [.. batch.Select((t, i) => t with
        {
            Task = i % 2 == 0
                ? t.Task with { Status = BuquetTaskStatus.Completed, Output = output.RootElement.Clone(), Attempt = 12, RetryCount = 11, RescheduleCount = 2 }
                : t.Task with { Status = BuquetTaskStatus.Cancelled, LastError = "Retryable error: buquet.fail: attempt 99 of 99 failing attempts, and then some more text" },
        })];
    }

    private static string[] RenderAt(int width, IReadOnlyList<DemoTask> tasks)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        console.Profile.Capabilities.Unicode = true;
        console.Write(DemoTable.Render(tasks, console.Profile.Width));
        return writer.ToString().TrimEnd('\n', '\r').Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task Render_DemoBatch_FitsTheWidthWithoutWrapping(int width)
    {
        var tasks = await FinishedBatchAsync();

        var lines = RenderAt(width, tasks);

        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        // title, top border, header, separator, one line per task, bottom border, caption: no cell wrapped
        Assert.Equal(tasks.Count + 6, lines.Length);
        Assert.All(tasks, t => Assert.Single(lines, l => l.Contains(t.Label, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SubmitBatchAsync_Labels_FitTheLabelColumn()
    {
        var tasks = await DemoCommand.SubmitBatchAsync(new BuquetClient(new InMemoryObjectStore()), CancellationToken.None);

        Assert.All(tasks, t => Assert.True(t.Label.Length <= DemoTable.LabelWidth, t.Label));
    }
}
