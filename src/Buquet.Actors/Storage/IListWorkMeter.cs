namespace Buquet.Actors.Storage;

/// <summary>
/// A deterministic measure of LIST cost: how many stored entries a store examined to answer its LIST requests
/// (index rows stepped, key directories enumerated, or keys received). The conformance suite uses it to prove that a
/// LIST does not get dearer as deleted keys accumulate; it is a count of work, not a clock.
/// </summary>
public interface IListWorkMeter
{
    /// <summary>Entries examined by every LIST since the store was created (monotonic, thread-safe).</summary>
    long ListEntriesExamined { get; }
}
