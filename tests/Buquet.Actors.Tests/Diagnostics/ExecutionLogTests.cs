using System.Text;
using Buquet.Actors.Diagnostics;

namespace Buquet.Actors.Tests.Diagnostics;

public sealed class ExecutionLogTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, 123, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "buquet-execlog-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Parse_DocumentedLine_ReadsEveryField()
    {
        var line = "{\"v\":1,\"ev\":\"end\",\"exec\":\"6f1c0000-0000-0000-0000-000000000001\",\"task\":\"0b9e0000-0000-0000-0000-000000000002\",\"attempt\":3,\"worker\":\"w-1\",\"pid\":4242,\"type\":\"buquet.sleep\",\"at\":\"2026-11-23T22:01:02.611Z\",\"local\":\"2026-11-23T22:01:02.608Z\",\"outcome\":\"completed\"}";
        var e = ExecutionLogFormat.Parse(line);
        Assert.Equal(ExecutionEvent.End, e.Event);
        Assert.Equal(Guid.Parse("0b9e0000-0000-0000-0000-000000000002"), e.TaskId);
        Assert.Equal(3, e.Attempt);
        Assert.Equal("w-1", e.WorkerId);
        Assert.Equal(4242, e.Pid);
        Assert.Equal("buquet.sleep", e.TaskType);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 22, 1, 2, 611, TimeSpan.Zero), e.At);
        Assert.Equal(ExecutionOutcomes.Completed, e.Outcome);
        Assert.Equal(line, ExecutionLogFormat.Format(e));
    }

    [Theory]
    [InlineData("{\"v\":1,\"ev\":\"middle\",\"exec\":\"6f1c0000-0000-0000-0000-000000000001\"}", "middle")]
    [InlineData("{\"v\":1,\"ev\":\"start\"}", "exec")]
    [InlineData("not json", "not json")]
    public void Parse_BadLine_FormatExceptionNamesTheProblem(string line, string named)
    {
        var e = Assert.Throws<FormatException>(() => ExecutionLogFormat.Parse(line));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_ThreadsAndProcessesConcurrently_EveryLineWholeAndPaired()
    {
        const int Writers = 3, Threads = 4, PerThread = 300;
        var writers = Enumerable.Range(0, Writers).Select(i => new ExecutionLogWriter(_dir, $"w-{i}", 1000 + i)).ToList();
        Parallel.For(0, Writers * Threads, n =>
        {
            var w = writers[n % Writers];
            for (var i = 0; i < PerThread; i++)
            {
                var task = Guid.NewGuid();
                var exec = w.Start(task, 1, "buquet.echo", null, T0.AddMilliseconds(i), T0);
                w.End(exec, task, 1, "buquet.echo", null, ExecutionOutcomes.Completed, T0.AddMilliseconds(i + 5));
            }
        });
        writers.ForEach(w => w.Dispose());
        var log = ExecutionLogReader.ReadDirectory(_dir);
        Assert.Equal(Writers * Threads * PerThread * 2, log.Entries.Count);
        Assert.Equal(Writers * Threads * PerThread, log.Executions.Count);
        Assert.All(log.Executions, x => Assert.Equal(ExecutionOutcomes.Completed, x.Outcome));
        Assert.Equal(0, log.TornLines);
        Assert.Empty(log.BadLines);
        Assert.Empty(log.OrphanEnds);
        Assert.Equal(Writers, Directory.GetFiles(_dir, "exec-*.jsonl").Length);
    }

    [Fact]
    public void ReadDirectory_ProcessKilledMidLine_TornLineSkippedStartWithoutEndKept()
    {
        string path;
        var task = Guid.NewGuid();
        using (var w = new ExecutionLogWriter(_dir, "w-1", 77))
        {
            path = w.FilePath;
            var done = w.Start(task, 1, null, null, T0);
            w.End(done, task, 1, null, null, ExecutionOutcomes.Retry, T0.AddSeconds(1));
            w.Start(task, 2, null, null, T0.AddSeconds(2));
        }

        File.AppendAllText(path, "{\"v\":1,\"ev\":\"end\",\"exec\":\"6f1c", Encoding.UTF8);
        var log = ExecutionLogReader.ReadDirectory(_dir);
        Assert.Equal(1, log.TornLines);
        Assert.Equal(3, log.Entries.Count);
        Assert.Equal(2, log.Executions.Count);
        Assert.Null(Assert.Single(log.Executions, x => x.Start.Attempt == 2).End);
        Assert.Equal(ExecutionOutcomes.Retry, Assert.Single(log.Executions, x => x.Start.Attempt == 1).Outcome);
    }

    [Fact]
    public void Constructor_SameWorkerAndPidAgain_NewFileNotOverwritten()
    {
        using var a = new ExecutionLogWriter(_dir, "w-1", 5);
        using var b = new ExecutionLogWriter(_dir, "w-1", 5);
        Assert.NotEqual(a.FilePath, b.FilePath);
        a.Start(Guid.NewGuid(), 1, null, null, T0);
        b.Start(Guid.NewGuid(), 1, null, null, T0);
        Assert.Equal(2, ExecutionLogReader.ReadDirectory(_dir).Executions.Count);
    }

    [Fact]
    public void Constructor_WorkerIdWithSlash_RefusedNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new ExecutionLogWriter(_dir, "../evil", 1));
        Assert.Contains("../evil", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_LeaseId_RoundTrips()
    {
        var lease = Guid.NewGuid();
        var entry = new ExecutionLogEntry(ExecutionEvent.Start, Guid.NewGuid(), Guid.NewGuid(), 2, "w-1", 9, T0, "buquet.echo", null, T0.AddSeconds(300), lease);

        var parsed = ExecutionLogFormat.Parse(ExecutionLogFormat.Format(entry));

        Assert.Equal(lease, parsed.LeaseId);
        Assert.Equal(T0.AddSeconds(300), parsed.LocalAt);
        Assert.Equal(entry, parsed);
    }

    [Fact]
    public void Append_AfterDispose_DroppedWithoutThrowing()
    {
        var w = new ExecutionLogWriter(_dir, "w-1", 3);
        w.Start(Guid.NewGuid(), 1, null, null, T0);
        w.Dispose();

        w.Start(Guid.NewGuid(), 1, null, null, T0);

        Assert.Single(ExecutionLogReader.ReadDirectory(_dir).Executions);
    }

    [Fact]
    public void ReadDirectory_Missing_EmptyLog()
    {
        var log = ExecutionLogReader.ReadDirectory(_dir);
        Assert.Empty(log.Executions);
        Assert.Equal(0, log.TornLines);
    }
}
