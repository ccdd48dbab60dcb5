using System.Reflection;
using Amazon.S3;
using Amazon.S3.Model;

namespace Buquet.Actors.IntegrationTests.Storage;

/// <summary>What to do to the next conditional PutObject that passes through <see cref="InterceptingS3Client"/>.</summary>
public enum PutFault
{
    /// <summary>Pass through.</summary>
    None,

    /// <summary>Send it (it lands), then throw a transport error as if the response was lost.</summary>
    LandThenDropResponse,

    /// <summary>Do not send it; throw HTTP 500 as RGW does to race losers.</summary>
    Fail500WithoutSending,

    /// <summary>
    /// Send it (it lands), then throw a clean HTTP 412, as the answer to a second copy re-sent by the HTTP stack would
    /// be: nothing before it was ambiguous, so only a re-read can tell that the write landed.
    /// </summary>
    LandThenAnswer412,
}

/// <summary>An <see cref="IAmazonS3"/> that forwards to a real client and injects faults into conditional PUTs.</summary>
public class InterceptingS3Client : DispatchProxy
{
    private IAmazonS3 _inner = null!;

    /// <summary>Faults for the next conditional PUTs, in order.</summary>
    public Queue<PutFault> Faults { get; } = new();

    /// <summary>Conditional PUTs sent to the server.</summary>
    public int ConditionalPutsSent { get; private set; }

    public static (IAmazonS3 Client, InterceptingS3Client Control) Wrap(IAmazonS3 inner)
    {
        var proxy = Create<IAmazonS3, InterceptingS3Client>();
        var control = (InterceptingS3Client)(object)proxy;
        control._inner = inner;
        return (proxy, control);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IAmazonS3.PutObjectAsync) && args is [PutObjectRequest request, CancellationToken ct]
            && (request.IfMatch is not null || request.IfNoneMatch is not null))
        {
            return PutAsync(request, ct);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private async Task<PutObjectResponse> PutAsync(PutObjectRequest request, CancellationToken ct)
    {
        var fault = Faults.TryDequeue(out var f) ? f : PutFault.None;
        if (fault == PutFault.Fail500WithoutSending)
        {
            throw new AmazonS3Exception("injected", Amazon.Runtime.ErrorType.Receiver, "UnknownError", "injected", System.Net.HttpStatusCode.InternalServerError);
        }

        ConditionalPutsSent++;
        var response = await _inner.PutObjectAsync(request, ct);
        return fault switch
        {
            PutFault.LandThenDropResponse => throw new HttpRequestException("injected: connection reset after the write landed"),
            PutFault.LandThenAnswer412 => throw new AmazonS3Exception("injected", Amazon.Runtime.ErrorType.Sender, "PreconditionFailed", "injected", System.Net.HttpStatusCode.PreconditionFailed),
            _ => response,
        };
    }
}
