using Buquet.Actors.Storage;
using Buquet.Actors.TestSupport;
using Xunit.Sdk;

namespace Buquet.Actors.Tests.Storage;

/// <summary>Negative control: the conformance checks must FAIL on a store that ignores preconditions.</summary>
public sealed class BrokenConditionalStoreTests
{
    private static BrokenConditionalStore Broken() => new(new InMemoryObjectStore());

    [Fact]
    public async Task ConditionalBasics_StoreIgnoringPreconditions_Fails() =>
        await Assert.ThrowsAnyAsync<XunitException>(() => ConformanceChecks.ConditionalBasicsAsync(Broken(), "x/"));

    [Fact]
    public async Task IfMatchRace_StoreIgnoringPreconditions_Fails() =>
        await Assert.ThrowsAnyAsync<XunitException>(() => ConformanceChecks.IfMatchRaceAsync(Broken(), "x/cas", rounds: 3));

    [Fact]
    public async Task CreateOnlyRace_StoreIgnoringPreconditions_Fails() =>
        await Assert.ThrowsAnyAsync<XunitException>(() => ConformanceChecks.CreateOnlyRaceAsync(Broken(), "x/", rounds: 3));

    [Fact]
    public async Task ConformanceChecks_CorrectStore_Pass()
    {
        var store = new InMemoryObjectStore();
        await ConformanceChecks.ConditionalBasicsAsync(store, "x/");
        await ConformanceChecks.IfMatchRaceAsync(store, "x/cas", rounds: 3);
        await ConformanceChecks.CreateOnlyRaceAsync(store, "x/", rounds: 3);
    }
}
