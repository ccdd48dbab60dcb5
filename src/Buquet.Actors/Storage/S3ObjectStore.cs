using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Buquet.Actors.Storage;

/// <summary>
/// <see cref="IObjectStore"/> on an S3-compatible bucket (AWS, Ceph RGW, moto) through AWSSDK.S3. Create it with
/// <see cref="CreateAsync"/>, which probes the bucket and refuses one where conditional writes do not hold.
/// Plain operations are retried with backoff and jitter; ambiguous conditional writes are resolved by re-reading
/// (docs/adr/0002-conditional-write-error-mapping.md).
/// </summary>
public sealed partial class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly IAmazonS3 _s3;
    private readonly bool _ownsClient;
    private readonly string _bucket;
    private readonly S3Retry _retry;

    private S3ObjectStore(IAmazonS3 s3, bool ownsClient, string bucket, S3Retry retry, S3ProbeResult probe)
    {
        _s3 = s3;
        _ownsClient = ownsClient;
        _bucket = bucket;
        _retry = retry;
        Probe = probe;
        Capabilities = new StoreCapabilities(probe.Versioning, probe.ConditionalDelete);
    }

    /// <summary>What the start-up probe found about this endpoint and bucket.</summary>
    public S3ProbeResult Probe { get; }

    /// <inheritdoc />
    public StoreCapabilities Capabilities { get; }

    /// <summary>The bucket.</summary>
    public string Bucket => _bucket;

    /// <summary>
    /// Validates <paramref name="options"/>, connects, probes the bucket (<see cref="ProbeAsync(S3StoreOptions, TimeProvider?, Func{double}?, CancellationToken)"/>)
    /// and returns a store, or throws <see cref="ObjectStoreConfigurationException"/> when conditional writes do not hold there.
    /// </summary>
    /// <param name="options">Endpoint, bucket, credentials, timeouts and retries.</param>
    /// <param name="timeProvider">Timer for retry delays. The default is the system clock.</param>
    /// <param name="random">Jitter source in [0, 1). The default is a cryptographic generator.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    public static async Task<S3ObjectStore> CreateAsync(S3StoreOptions options, TimeProvider? timeProvider = null, Func<double>? random = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var client = CreateClient(options);
        try
        {
            return await CreateWithClientAsync(client, ownsClient: true, options, timeProvider, random, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    internal static async Task<S3ObjectStore> CreateWithClientAsync(IAmazonS3 client, bool ownsClient, S3StoreOptions options, TimeProvider? timeProvider, Func<double>? random, CancellationToken cancellationToken)
    {
        var retry = NewRetry(options, timeProvider, random);
        var probe = await RunProbeAsync(client, options.Bucket, retry, cancellationToken).ConfigureAwait(false);
        if (!probe.CasHolds)
        {
            throw S3VersioningAdvice.CasBrokenRefusal(probe, options.Bucket, options.ServiceUrl ?? options.Region);
        }

        return new S3ObjectStore(client, ownsClient, options.Bucket, retry, probe);
    }

    /// <summary>The AWSSDK configuration used for <paramref name="options"/>: SDK retries off (the store retries), checksums WHEN_REQUIRED (RGW 16.2 rejects the 4.x defaults).</summary>
    internal static AmazonS3Config BuildConfig(S3StoreOptions options)
    {
        var config = new AmazonS3Config
        {
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = 0,
            Timeout = options.RequestTimeout,
        };
        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
            config.ForcePathStyle = options.ForcePathStyle ?? true;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
            config.ForcePathStyle = options.ForcePathStyle ?? false;
        }

        return config;
    }

    internal static AmazonS3Client CreateClient(S3StoreOptions options)
    {
        var config = BuildConfig(options);
        return Credentials(options) is { } credentials ? new AmazonS3Client(credentials, config) : new AmazonS3Client(config);
    }

    /// <summary>The explicit credentials (temporary ones when a session token is set), or null for the SDK's default chain.</summary>
    internal static AWSCredentials? Credentials(S3StoreOptions options) => options switch
    {
        { AccessKey: null } => null,
        { SessionToken: { } token } => new SessionAWSCredentials(options.AccessKey, options.SecretKey, token),
        _ => new BasicAWSCredentials(options.AccessKey, options.SecretKey),
    };

    private static S3Retry NewRetry(S3StoreOptions options, TimeProvider? timeProvider, Func<double>? random) =>
        new(options.MaxAttempts, options.RetryBaseDelay, options.RetryMaxDelay, random ?? DefaultRandom, timeProvider ?? TimeProvider.System);

    private static double DefaultRandom() => RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient)
        {
            _s3.Dispose();
        }
    }

    /// <inheritdoc />
    public Task<StoredObject?> GetAsync(string key, CancellationToken cancellationToken = default) => GetCoreAsync(key, null, cancellationToken);

    /// <inheritdoc />
    public Task<StoredObject?> GetVersionAsync(string key, string versionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(versionId);
        return GetCoreAsync(key, versionId, cancellationToken);
    }

    private Task<StoredObject?> GetCoreAsync(string key, string? versionId, CancellationToken ct)
    {
        ValidateKey(key);
        return _retry.RunAsync<StoredObject?>($"GET '{key}' in '{_bucket}'", async c =>
        {
            using var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key, VersionId = versionId }, c).ConfigureAwait(false);
            byte[] body;
            if (response.ContentLength >= 0)
            {
                body = new byte[response.ContentLength];
                await response.ResponseStream.ReadExactlyAsync(body, c).ConfigureAwait(false);
            }
            else
            {
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer, c).ConfigureAwait(false);
                body = buffer.ToArray();
            }

            return new StoredObject(key, body, ETags.Quote(response.ETag), ToOffset(response.LastModified), Capabilities.Versioning ? response.VersionId : null);
        }, (_, _) => null, ct);
    }

    /// <inheritdoc />
    public Task<ObjectInfo?> HeadAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        return _retry.RunAsync<ObjectInfo?>($"HEAD '{key}' in '{_bucket}'", async c =>
        {
            var r = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, c).ConfigureAwait(false);
            return new ObjectInfo(key, ETags.Quote(r.ETag), r.ContentLength, ToOffset(r.LastModified));
        }, (_, _) => null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset> GetServerTimeAsync(CancellationToken cancellationToken = default)
    {
        const string ClockKey = "clock/now";
        await PutAsync(ClockKey, ReadOnlyMemory<byte>.Empty, PutCondition.None, cancellationToken).ConfigureAwait(false);
        var head = await HeadAsync(ClockKey, cancellationToken).ConfigureAwait(false);
        return head?.LastModified ?? throw new ObjectStoreUnavailableException($"'{ClockKey}' vanished between PUT and HEAD in '{_bucket}'.");
    }

    internal static DateTimeOffset ToOffset(DateTime? t) =>
        t is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc)) : DateTimeOffset.MinValue;

    private static void ValidateKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (System.Text.Encoding.UTF8.GetByteCount(key) > 1024)
        {
            throw new ArgumentException($"Key is longer than 1024 UTF-8 bytes: '{key[..64]}…'.", nameof(key));
        }
    }

    private static MemoryStream StreamOf(ReadOnlyMemory<byte> body) =>
        MemoryMarshal.TryGetArray(body, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(body.ToArray(), writable: false);
}
