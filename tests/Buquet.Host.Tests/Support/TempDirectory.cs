using Buquet.Actors.Storage;

namespace Buquet.Host.Tests.Support;

/// <summary>A scratch directory deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "buquet-host-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The local store directory the CLI uses by default in this working directory.</summary>
    public string StorePath => System.IO.Path.Combine(Path, "buquet-data");

    /// <summary>Creates an empty local store at <see cref="StorePath"/> (read-only commands never create one).</summary>
    public void CreateEmptyStore()
    {
        using var store = new SqliteObjectStore(StorePath);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
