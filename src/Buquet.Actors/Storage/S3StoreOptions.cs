using System.Net;

namespace Buquet.Actors.Storage;

/// <summary>Settings of <see cref="S3ObjectStore"/>.</summary>
public sealed class S3StoreOptions
{
    /// <summary>Endpoint of an S3-compatible server, e.g. <c>http://127.0.0.1:7480</c>; null for AWS (from <see cref="Region"/>).</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Region (the signing region for a custom endpoint). <value>The default is <c>us-east-1</c>.</value></summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The bucket; validated against S3's bucket naming rules.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>Access key; with <see cref="SecretKey"/>, or both null for the SDK's default credential chain.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret key; see <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Session token of temporary credentials, used with <see cref="AccessKey"/> and <see cref="SecretKey"/>; null for long-term keys.</summary>
    public string? SessionToken { get; set; }

    /// <summary>Path-style addressing. <value>The default is on when <see cref="ServiceUrl"/> is set, off otherwise.</value></summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>Timeout of one HTTP request. <value>The default is 30 seconds.</value></summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per operation, the first included (SDK retries are off; the store retries). <value>The default is 5.</value></summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First retry delay before jitter; doubles per attempt. <value>The default is 50 ms.</value></summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Cap of the retry delay. <value>The default is 5 seconds.</value></summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        ValidateBucketName(Bucket);
        if (ServiceUrl is not null && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")))
        {
            throw new ArgumentException($"ServiceUrl '{ServiceUrl}' is not an absolute http(s) URL.", nameof(ServiceUrl));
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            throw new ArgumentException("Region must be set (e.g. 'us-east-1').", nameof(Region));
        }

        if ((AccessKey is null) != (SecretKey is null))
        {
            throw new ArgumentException("Set both AccessKey and SecretKey, or neither (default credential chain).", AccessKey is null ? nameof(AccessKey) : nameof(SecretKey));
        }

        if (SessionToken is not null && AccessKey is null)
        {
            throw new ArgumentException("A SessionToken belongs to temporary credentials: set AccessKey and SecretKey with it (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).", nameof(SessionToken));
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"RequestTimeout must be positive, was {RequestTimeout}.", nameof(RequestTimeout));
        }

        if (MaxAttempts is < 1 or > 100)
        {
            throw new ArgumentException($"MaxAttempts must be 1..100, was {MaxAttempts}.", nameof(MaxAttempts));
        }

        if (RetryBaseDelay < TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
        {
            throw new ArgumentException($"Retry delays must satisfy 0 <= RetryBaseDelay ({RetryBaseDelay}) <= RetryMaxDelay ({RetryMaxDelay}).", nameof(RetryBaseDelay));
        }
    }

    /// <summary>Throws an <see cref="ArgumentException"/> unless <paramref name="bucket"/> follows S3's general-purpose bucket naming rules.</summary>
    public static void ValidateBucketName(string? bucket)
    {
        string? problem = bucket switch
        {
            null or "" => "is empty",
            { Length: < 3 or > 63 } => "must be 3 to 63 characters long",
            _ when !bucket.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-') => "may contain only lowercase letters, digits, '.' and '-'",
            _ when !char.IsAsciiLetterOrDigit(bucket[0]) || !char.IsAsciiLetterOrDigit(bucket[^1]) => "must begin and end with a letter or digit",
            _ when bucket.Contains("..", StringComparison.Ordinal) => "must not contain '..'",
            _ when bucket.Contains(".-", StringComparison.Ordinal) || bucket.Contains("-.", StringComparison.Ordinal) => "must not contain '.-' or '-.'",
            _ when IPAddress.TryParse(bucket, out _) => "must not look like an IP address",
            _ when bucket.StartsWith("xn--", StringComparison.Ordinal) || bucket.StartsWith("sthree-", StringComparison.Ordinal) => "must not start with 'xn--' or 'sthree-'",
            _ when bucket.EndsWith("-s3alias", StringComparison.Ordinal) || bucket.EndsWith("--ol-s3", StringComparison.Ordinal) => "must not end with '-s3alias' or '--ol-s3'",
            _ => null,
        };
        if (problem is not null)
        {
            throw new ArgumentException($"Bucket name '{bucket}' {problem}.", nameof(bucket));
        }
    }
}
