using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Buquet.Actors.Tests.Storage;

/// <summary>What the next conditional PUT or conditional DELETE through <see cref="FakeS3Client"/> suffers.</summary>
public enum FakeS3Fault
{
    /// <summary>Performed once, answered truthfully.</summary>
    None,

    /// <summary>
    /// Performed, then performed again as a second copy of the same request, and the second copy's answer is returned:
    /// what .NET's SocketsHttpHandler does when a reused keep-alive connection is reset before the response. A
    /// conditional write that landed comes back as a clean 412 (or 404 for a DELETE).
    /// </summary>
    LandThenResendInto412,

    /// <summary>Not performed; answered 412 as if another writer had won (a refusal that did not land).</summary>
    RefuseWithoutLanding,
}

/// <summary>
/// An in-memory, unversioned S3 bucket behind <see cref="IAmazonS3"/> (only the calls <see cref="Buquet.Actors.Storage.S3ObjectStore"/>
/// makes), honouring If-None-Match / If-Match on PUT and If-Match on DELETE as AWS does (If-Match on a missing key is
/// 404), keeping user metadata, and injecting <see cref="FakeS3Fault"/>s into conditional writes.
/// </summary>
public class FakeS3Client : DispatchProxy
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (byte[] Body, string ETag, Dictionary<string, string> Meta)> _objects = [];
    private readonly Dictionary<string, int> _calls = [];

    /// <summary>Faults for the next conditional writes, in order.</summary>
    public Queue<FakeS3Fault> Faults { get; } = new();

    /// <summary>Creates the client and its control surface (the same object).</summary>
    public static (IAmazonS3 Client, FakeS3Client Control) Create()
    {
        var proxy = Create<IAmazonS3, FakeS3Client>();
        return (proxy, (FakeS3Client)(object)proxy);
    }

    /// <summary>Calls made so far of the named <see cref="IAmazonS3"/> method.</summary>
    public int Calls(string method)
    {
        lock (_gate)
        {
            return _calls.TryGetValue(method, out var n) ? n : 0;
        }
    }

    /// <summary>The stored body of <paramref name="key"/>, or null.</summary>
    public byte[]? Body(string key)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(key, out var o) ? o.Body : null;
        }
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        lock (_gate)
        {
            _calls[targetMethod.Name] = _calls.TryGetValue(targetMethod.Name, out var n) ? n + 1 : 1;
        }

        return (targetMethod.Name, args) switch
        {
            (nameof(IAmazonS3.GetBucketVersioningAsync), [GetBucketVersioningRequest, _]) => Task.FromResult(new GetBucketVersioningResponse
            {
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Off },
            }),
            (nameof(IAmazonS3.PutObjectAsync), [PutObjectRequest r, _]) => Run(() => Put(r)),
            (nameof(IAmazonS3.GetObjectMetadataAsync), [GetObjectMetadataRequest r, _]) => Run(() => Head(r.Key)),
            (nameof(IAmazonS3.GetObjectAsync), [GetObjectRequest r, _]) => Run(() => Get(r.Key)),
            (nameof(IAmazonS3.GetObjectAsync), [string, string key, _]) => Run(() => Get(key)),
            (nameof(IAmazonS3.DeleteObjectAsync), [DeleteObjectRequest r, _]) => Run(() => Delete(r)),
            (nameof(IDisposable.Dispose), _) => null,
            _ => throw new NotSupportedException($"FakeS3Client does not implement {targetMethod.Name}."),
        };
    }

    private static Task<T> Run<T>(Func<T> op)
    {
        try
        {
            return Task.FromResult(op());
        }
        catch (AmazonS3Exception e)
        {
            return Task.FromException<T>(e);
        }
    }

    private static AmazonS3Exception Error(HttpStatusCode status, string code) => new($"fake {code}", ErrorType.Sender, code, "fake", status);

    private PutObjectResponse Put(PutObjectRequest r)
    {
        using var buffer = new MemoryStream();
        r.InputStream.CopyTo(buffer);
        var body = buffer.ToArray();
        var meta = r.Metadata.Keys.ToDictionary(k => k, k => r.Metadata[k], StringComparer.OrdinalIgnoreCase);
        var conditional = r.IfMatch is not null || r.IfNoneMatch is not null;
        lock (_gate)
        {
            var fault = conditional && Faults.TryDequeue(out var f) ? f : FakeS3Fault.None;
            if (fault == FakeS3Fault.RefuseWithoutLanding)
            {
                throw Error(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
            }

            var first = PutOnce(r, body, meta);
            return fault == FakeS3Fault.LandThenResendInto412 ? PutOnce(r, body, meta) : first;
        }
    }

    private PutObjectResponse PutOnce(PutObjectRequest r, byte[] body, Dictionary<string, string> meta)
    {
        var exists = _objects.TryGetValue(r.Key, out var current);
        if (r.IfNoneMatch == "*" && exists)
        {
            throw Error(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        }

        if (r.IfMatch is not null)
        {
            if (!exists)
            {
                throw Error(HttpStatusCode.NotFound, "NoSuchKey");
            }

            if (r.IfMatch.Trim('"') != current.ETag.Trim('"'))
            {
                throw Error(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
            }
        }

        var etag = "\"" + Convert.ToHexStringLower(MD5.HashData(body)) + "\"";
        _objects[r.Key] = (body, etag, meta);
        return new PutObjectResponse { ETag = etag };
    }

    private GetObjectMetadataResponse Head(string key)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(key, out var o))
            {
                throw Error(HttpStatusCode.NotFound, "NotFound");
            }

            var response = new GetObjectMetadataResponse { ETag = o.ETag, ContentLength = o.Body.Length, LastModified = new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc) };
            foreach (var (name, value) in o.Meta)
            {
                response.Metadata.Add(name, value);
            }

            return response;
        }
    }

    private GetObjectResponse Get(string key)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(key, out var o)
                ? new GetObjectResponse { ETag = o.ETag, ContentLength = o.Body.Length, ResponseStream = new MemoryStream(o.Body), LastModified = new DateTime(2026, 11, 24, 0, 0, 0, DateTimeKind.Utc) }
                : throw Error(HttpStatusCode.NotFound, "NoSuchKey");
        }
    }

    private DeleteObjectResponse Delete(DeleteObjectRequest r)
    {
        lock (_gate)
        {
            var fault = r.IfMatch is not null && Faults.TryDequeue(out var f) ? f : FakeS3Fault.None;
            if (fault == FakeS3Fault.RefuseWithoutLanding)
            {
                throw Error(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
            }

            DeleteOnce(r);
            if (fault == FakeS3Fault.LandThenResendInto412)
            {
                DeleteOnce(r);
            }

            return new DeleteObjectResponse();
        }
    }

    private void DeleteOnce(DeleteObjectRequest r)
    {
        if (r.IfMatch is not null)
        {
            if (!_objects.TryGetValue(r.Key, out var current))
            {
                throw Error(HttpStatusCode.NotFound, "NoSuchKey");
            }

            if (r.IfMatch.Trim('"') != current.ETag.Trim('"'))
            {
                throw Error(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
            }
        }

        _objects.Remove(r.Key);
    }
}
