namespace Buquet.Actors.ChaosTests.Harness;

/// <summary>The process wrapper on stand-in processes (sh): output captured, SIGKILL and SIGTERM delivered.</summary>
public sealed class WorkerProcessTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    private readonly string _log = Path.Combine(Path.GetTempPath(), $"buquet-wp-{Guid.NewGuid():N}.log");

    public void Dispose() => File.Delete(_log);

    private WorkerProcess StartShell(string script) =>
        WorkerProcess.Start("w-test", "sh", ["-c", script], new Dictionary<string, string> { ["CHAOS_PROBE"] = "probe-value" }, _log);

    [Fact]
    public async Task Start_ShortProcess_OutputAndEnvironmentCapturedExitCodeKept()
    {
        using var p = StartShell("echo out-$CHAOS_PROBE; echo err-line >&2; exit 3");
        Assert.True(await p.WaitForExitAsync(Guard));
        Assert.Equal(3, p.ExitCode);
        await WaitForLogAsync("err-line");
        var tail = p.Tail();
        Assert.Contains("out-probe-value", tail, StringComparison.Ordinal);
        Assert.Contains("err-line", tail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_RunningProcess_DiesWithSigkill()
    {
        using var p = StartShell("echo ready; exec sleep 600");
        await WaitForLogAsync("ready");
        Assert.False(p.HasExited);
        p.Kill();
        Assert.True(await p.WaitForExitAsync(Guard));
        Assert.Equal(128 + 9, p.ExitCode);
    }

    [Fact]
    public async Task Terminate_ProcessTrappingTerm_RunsItsHandler()
    {
        using var p = StartShell("trap 'echo got-term; exit 0' TERM; echo ready; while true; do sleep 0.05; done");
        await WaitForLogAsync("ready");
        p.Terminate();
        Assert.True(await p.WaitForExitAsync(Guard));
        Assert.Equal(0, p.ExitCode);
        await WaitForLogAsync("got-term");
    }

    /// <summary>Output arrives on reader threads: wait for the line with a guard, watching the file.</summary>
    private async Task WaitForLogAsync(string text)
    {
        var seen = new TaskCompletionSource();
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(_log)!, Path.GetFileName(_log)) { EnableRaisingEvents = true, NotifyFilter = NotifyFilters.Size | NotifyFilters.LastWrite };
        void Check()
        {
            try
            {
                using var s = new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                if (new StreamReader(s).ReadToEnd().Contains(text, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
            catch (IOException)
            {
                // Not there yet.
            }
        }

        watcher.Changed += (_, _) => Check();
        Check();
        await seen.Task.WaitAsync(Guard);
    }
}
