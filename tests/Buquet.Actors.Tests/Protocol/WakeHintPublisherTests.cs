using Buquet.Actors.Protocol;
using Buquet.Actors.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buquet.Actors.Tests.Protocol;

public sealed class WakeHintPublisherTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryObjectStore _store;
    private readonly RequestCountingObjectStore _counted;
    private readonly WakeHintPublisher _hints;

    public WakeHintPublisherTests()
    {
        _store = new InMemoryObjectStore(_time);
        _counted = new RequestCountingObjectStore(_store);
        _hints = new WakeHintPublisher(_counted, _time);
    }

    [Fact]
    public async Task NotifyAsync_BurstWithinOneSecond_OneTouchNowAndOneTrailingTouch()
    {
        await _hints.NotifyAsync();
        var first = (await _store.HeadAsync(WakeHints.Key))!.ETag;
        for (var i = 0; i < 50; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await _hints.NotifyAsync();
        }

        Assert.Equal(1, _hints.Touches);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(1, _hints.Touches);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _hints.WhenTouchedAsync();

        Assert.Equal(2, _hints.Touches);
        Assert.NotEqual(first, (await _store.HeadAsync(WakeHints.Key))!.ETag);
        _time.Advance(TimeSpan.FromSeconds(10));
        await _hints.WhenTouchedAsync();
        Assert.Equal(2, _hints.Touches);
        Assert.Equal(2, _counted.Snapshot()[StoreOperation.Put]);
    }

    [Fact]
    public async Task NotifyAsync_SpacedBeyondTheGap_EveryNotificationTouchesAtOnceWithANewETag()
    {
        var etags = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            await _hints.NotifyAsync();
            etags.Add((await _store.HeadAsync(WakeHints.Key))!.ETag);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(5, _hints.Touches);
        Assert.Equal(5, etags.Count);
    }

    [Fact]
    public async Task NotifyAsync_StoreUnavailable_NeverThrowsAndCountsTheFailure()
    {
        var broken = new WakeHintPublisher(new FaultInjectingObjectStore(_store, FaultSettings.None, new Random(1), _time) { Outage = true }, _time);

        await broken.NotifyAsync();

        Assert.Equal(1, broken.Failures);
        Assert.Equal(0, broken.Touches);
        Assert.Null(await _store.HeadAsync(WakeHints.Key));
    }

    [Fact]
    public async Task NotifyAsync_TouchFailedDuringOutage_RetriedAfterTheGapOnceTheStoreIsBack()
    {
        var faulty = new FaultInjectingObjectStore(_store, FaultSettings.None, new Random(1), _time) { Outage = true };
        var hints = new WakeHintPublisher(faulty, _time);

        await hints.NotifyAsync();
        Assert.Equal(1, hints.Failures);
        faulty.Outage = false;
        _time.Advance(TimeSpan.FromSeconds(1));
        await hints.WhenTouchedAsync();

        Assert.Equal(1, hints.Touches);
        Assert.NotNull(await _store.HeadAsync(WakeHints.Key));
    }

    [Fact]
    public async Task NotifyAsync_StoreDownForGood_GivesUpAfterMaxRetries()
    {
        var faulty = new FaultInjectingObjectStore(_store, FaultSettings.None, new Random(1), _time) { Outage = true };
        var hints = new WakeHintPublisher(faulty, _time);

        await hints.NotifyAsync();
        for (var i = 0; i < WakeHintPublisher.MaxRetries + 5; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await hints.WhenTouchedAsync();
        }

        Assert.Equal(1 + WakeHintPublisher.MaxRetries, hints.Failures);
    }

    [Fact]
    public void Constructor_NegativeGap_ThrowsNamingTheValue()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WakeHintPublisher(_store, _time, TimeSpan.FromSeconds(-1)));
        Assert.Equal("minGap", ex.ParamName);
    }
}
