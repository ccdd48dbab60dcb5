using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Buquet.Actors.Storage;

/// <summary>File layout, key encoding, record format and locking of <see cref="LocalDirectoryObjectStore"/>.</summary>
public sealed partial class LocalDirectoryObjectStore
{
    private const string Magic = "BQOBJ1";
    private const string CurrentFile = "current";
    private const string LockFile = "lock";
    private const string KeyFile = "key";
    private const string VersionsDir = "versions";
    private const string TempPrefix = ".tmp-";
    private const int MaxPlainNameLength = 200;

    /// <summary>Header of a stored record; the body follows it in the same file.</summary>
    private sealed record Header(string ETag, long Sequence, DateTimeOffset LastModified, bool IsDeleteMarker, long Length)
    {
        public string VersionId => Sequence.ToString("D12", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Maps a key to one directory name: <c>[a-z0-9_-]</c> stay, every other UTF-8 byte becomes <c>%XX</c>, so no name
    /// can be <c>.</c>, <c>..</c>, contain a separator or collide on a case-insensitive file system. The mapping keeps
    /// prefixes (an encoded prefix is a prefix of the encoded key). Names too long for a file system become
    /// <c>~sha256</c> with the key stored beside them.
    /// </summary>
    internal static string EncodeKey(string key)
    {
        var sb = new StringBuilder(key.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.Length <= MaxPlainNameLength ? sb.ToString() : "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    internal static string EncodePrefix(string prefix)
    {
        var encoded = EncodeKey(prefix);
        return encoded.StartsWith('~') ? "" : encoded;
    }

    private static string? DecodeName(string directory, string name)
    {
        if (name.StartsWith('~'))
        {
            var keyPath = Path.Combine(directory, KeyFile);
            return File.Exists(keyPath) ? File.ReadAllText(keyPath, Encoding.UTF8) : null;
        }

        var bytes = new List<byte>(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '%' && i + 2 < name.Length && byte.TryParse(name.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.Add((byte)name[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (Encoding.UTF8.GetByteCount(key) > 1024)
        {
            throw new ArgumentException($"Key is longer than 1024 UTF-8 bytes: '{key[..64]}…'.", nameof(key));
        }
    }

    private static byte[] Serialize(Header h, ReadOnlySpan<byte> body)
    {
        var header = string.Join('\t', Magic, h.ETag, h.Sequence.ToString(CultureInfo.InvariantCulture),
            h.LastModified.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), h.IsDeleteMarker ? "1" : "0",
            body.Length.ToString(CultureInfo.InvariantCulture)) + "\n";
        var hb = Encoding.UTF8.GetBytes(header);
        var all = new byte[hb.Length + body.Length];
        hb.CopyTo(all, 0);
        body.CopyTo(all.AsSpan(hb.Length));
        return all;
    }

    /// <summary>Reads a record, or null when the file does not exist.</summary>
    private static (Header Header, byte[] Body)? ReadRecord(string path, bool withBody)
    {
        byte[] data;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            data = new byte[withBody ? fs.Length : Math.Min(fs.Length, 512)];
            fs.ReadExactly(data);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        var nl = Array.IndexOf(data, (byte)'\n');
        var parts = nl < 0 ? [] : Encoding.UTF8.GetString(data, 0, nl).Split('\t');
        if (parts.Length != 6 || parts[0] != Magic)
        {
            throw new InvalidDataException($"Corrupt object record '{path}'.");
        }

        var header = new Header(parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[3], CultureInfo.InvariantCulture)), parts[4] == "1",
            long.Parse(parts[5], CultureInfo.InvariantCulture));
        if (!withBody)
        {
            return (header, []);
        }

        if (data.Length - nl - 1 != header.Length)
        {
            throw new InvalidDataException($"Object record '{path}' has {data.Length - nl - 1} body bytes, expected {header.Length}.");
        }

        return (header, data[(nl + 1)..]);
    }

    /// <summary>Writes to a temp file in the same directory, flushes, then renames over the target (atomic on one volume).</summary>
    private void WriteAtomic(string directory, string target, byte[] content)
    {
        var temp = Path.Combine(directory, TempPrefix + Guid.NewGuid().ToString("N"));
        using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            fs.Write(content);
            fs.Flush(_flushToDisk);
        }

        File.Move(temp, target, overwrite: true);
    }

    /// <summary>Takes the key's lock: in-process stripe first, then an exclusive lock file (flock on Unix) for other processes.</summary>
    private async Task<IDisposable> LockAsync(string keyDir, CancellationToken ct)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(keyDir) % (uint)_stripes.Length)];
        await stripe.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(keyDir);
            var path = Path.Combine(keyDir, LockFile);
            var deadline = _time.GetTimestamp() + (long)(LockTimeout.TotalSeconds * _time.TimestampFrequency);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    return new Held(fs, stripe);
                }
                catch (IOException) when (_time.GetTimestamp() < deadline)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1 << Math.Min(attempt, 4), 10)), _time, ct).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw new ObjectStoreUnavailableException($"Could not lock '{path}' within {LockTimeout}.", e);
                }
            }
        }
        catch
        {
            stripe.Release();
            throw;
        }
    }

    private static void RemoveTempFiles(string keyDir)
    {
        foreach (var f in Directory.EnumerateFiles(keyDir, TempPrefix + "*"))
        {
            File.Delete(f);
        }
    }

    private sealed class Held(FileStream lockFile, SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose()
        {
            lockFile.Dispose();
            stripe.Release();
        }
    }
}
