namespace Buquet.Actors.Tests.Storage;

/// <summary>Scratch directories for store tests.</summary>
internal static class TestDirectories
{
    /// <summary>
    /// A fresh directory path on tmpfs (/dev/shm) when there is one, else under the temp directory. File creation on the
    /// shared CI disk costs milliseconds under load; rename and flock semantics are the same on tmpfs.
    /// </summary>
    public static string FastScratch(string prefix) =>
        Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

    /// <summary>A fresh directory path on the real temp disk (for durability-related tests).</summary>
    public static string DiskScratch(string prefix) => Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
}
