using Buquet.Host.Dashboard;

namespace Buquet.Host.Tests.Dashboard;

public sealed class ChangeSignalTests
{
    [Fact]
    public async Task WhenChangedFrom_CurrentVersion_CompletesOnNextNotify()
    {
        var signal = new ChangeSignal();
        var seen = signal.Version;
        var waiter = signal.WhenChangedFrom(seen);
        Assert.False(waiter.IsCompleted);

        signal.Notify();

        await waiter.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(seen + 1, signal.Version);
    }

    [Fact]
    public void WhenChangedFrom_StaleVersion_CompletesAtOnce()
    {
        var signal = new ChangeSignal();
        var seen = signal.Version;
        signal.Notify();

        Assert.True(signal.WhenChangedFrom(seen).IsCompleted);
        Assert.False(signal.WhenChangedFrom(signal.Version).IsCompleted);
    }
}
