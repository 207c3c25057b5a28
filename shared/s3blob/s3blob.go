// Package s3blob is the lot.Blobs on Amazon S3: presigned (SigV4) URLs for
// uploads and downloads, multipart uploads whose parts carry SHA-256
// checksums that S3 verifies, and server-side reads for inspection.
package s3blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/openlot/openlot/shared/lot"
)

// Store implements lot.Blobs on one bucket.
type Store struct {
	s3      *s3.Client
	presign *s3.PresignClient
	bucket  string
	clock   lot.Clock
}

var (
	_ lot.Blobs      = (*Store)(nil)
	_ lot.BlobWriter = (*Store)(nil)
)

// Options tune a Store.
type Options struct {
	// PathStyle addresses the bucket in the path (MinIO, other S3-compatible
	// stores); AWS uses virtual-hosted style.
	PathStyle bool
	Clock     lot.Clock
}

// New returns a store on bucket, with a client made from cfg.
func New(cfg aws.Config, bucket string, opt Options) *Store {
	if opt.Clock == nil {
		opt.Clock = lot.SystemClock
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = opt.PathStyle
		// Checksums are ours to choose (SHA-256, signed into the URLs); the
		// SDK's default CRC32 would add headers a browser cannot send.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts = 5 })
	})
	return &Store{s3: c, presign: s3.NewPresignClient(c), bucket: bucket, clock: opt.Clock}
}

// CreateBucket creates the bucket if it does not exist (tests and local
// tooling; production buckets come from infra/).
func (s *Store) CreateBucket(ctx context.Context) error {
	_, err := s.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &s.bucket})
	var owned *types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return translate(err, "bucket")
	}
	return nil
}

// translate turns S3 errors into domain errors.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if lot.Passes(err) {
		return err
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound", "NoSuchUpload":
			return lot.Errorf(lot.CodeNotFound, "no such %s", what)
		case "InvalidPart", "InvalidPartOrder":
			return lot.Errorf(lot.CodeInvalid, "a listed part was not uploaded or its ETag or checksum does not match")
		case "EntityTooSmall":
			return lot.Errorf(lot.CodeInvalid, "every part but the last must be at least %d bytes", lot.MinPartSize)
		case "InvalidRange":
			return lot.Errorf(lot.CodeInvalid, "the range is outside the %s", what)
		case "SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout":
			return &lot.Error{Code: lot.CodeUnavailable, Message: "the file store is busy; try again shortly"}
		}
	}
	var maxed *retry.MaxAttemptsError
	if errors.As(err, &maxed) {
		return &lot.Error{Code: lot.CodeUnavailable, Message: "the file store is busy; try again shortly"}
	}
	return fmt.Errorf("s3 %s: %w", what, err)
}

func (s *Store) signed(req *v4.PresignedHTTPRequest, err error, expires time.Duration) (lot.SignedURL, error) {
	if err != nil {
		return lot.SignedURL{}, translate(err, "URL")
	}
	u := lot.SignedURL{Method: req.Method, URL: req.URL, Expires: s.clock.Now().Add(expires).UTC().Truncate(time.Second)}
	for k, vs := range req.SignedHeader {
		if http.CanonicalHeaderKey(k) == "Host" || len(vs) == 0 {
			continue
		}
		if u.Header == nil {
			u.Header = map[string]string{}
		}
		u.Header[http.CanonicalHeaderKey(k)] = vs[0]
	}
	return u, nil
}

func check(key string, expires time.Duration) (time.Duration, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return 0, err
	}
	return lot.CheckExpiry(expires)
}

// PresignPut presigns a PutObject; the content type, checksum, length and
// create-only condition are signed.
func (s *Store) PresignPut(ctx context.Context, key string, o lot.PutOptions) (lot.SignedURL, error) {
	exp, err := check(key, o.Expires)
	if err != nil {
		return lot.SignedURL{}, err
	}
	in := &s3.PutObjectInput{Bucket: &s.bucket, Key: &key}
	if o.ContentType != "" {
		in.ContentType = &o.ContentType
	}
	if o.SHA256 != "" {
		in.ChecksumSHA256 = &o.SHA256
	}
	if o.Size > 0 {
		in.ContentLength = &o.Size // signed: S3 refuses a body of another length
	}
	if o.CreateOnly {
		in.IfNoneMatch = aws.String("*") // signed: S3 answers 412 when the key holds an object
	}
	req, err := s.presign.PresignPutObject(ctx, in, s3.WithPresignExpires(exp))
	return s.signed(req, err, exp)
}

// PresignGet presigns a GetObject, naming the download when asked.
func (s *Store) PresignGet(ctx context.Context, key string, o lot.GetOptions) (lot.SignedURL, error) {
	exp, err := check(key, o.Expires)
	if err != nil {
		return lot.SignedURL{}, err
	}
	in := &s3.GetObjectInput{Bucket: &s.bucket, Key: &key}
	if o.Filename != "" {
		in.ResponseContentDisposition = aws.String(lot.ContentDisposition(o.Filename))
	}
	opts := []func(*s3.PresignOptions){s3.WithPresignExpires(exp)}
	if o.Tag != "" {
		opts = append(opts, func(po *s3.PresignOptions) {
			po.ClientOptions = append(po.ClientOptions, func(so *s3.Options) {
				so.APIOptions = append(so.APIOptions, tagQuery(o.Tag))
			})
		})
	}
	req, err := s.presign.PresignGetObject(ctx, in, opts...)
	return s.signed(req, err, exp)
}

// TagParam is the query parameter naming a download in a presigned GET. S3
// ignores parameters that begin with "x-" but records them in server access
// logs, which functions/accesslog reads to count the bytes each download sent.
const TagParam = "x-openlot-download"

// tagQuery adds TagParam before the URL is signed, so it is part of the signature.
func tagQuery(tag string) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Build.Add(middleware.BuildMiddlewareFunc("OpenlotDownloadTag",
			func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok {
					q := req.URL.Query()
					q.Set(TagParam, tag)
					req.URL.RawQuery = q.Encode()
				}
				return next.HandleBuild(ctx, in)
			}), middleware.After)
	}
}

// CreateUpload starts a multipart upload with SHA-256 part checksums.
func (s *Store) CreateUpload(ctx context.Context, key, contentType string) (string, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return "", err
	}
	in := &s3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: &key, ChecksumAlgorithm: types.ChecksumAlgorithmSha256}
	if contentType != "" {
		in.ContentType = &contentType
	}
	out, err := s.s3.CreateMultipartUpload(ctx, in)
	if err != nil {
		return "", translate(err, "upload")
	}
	return aws.ToString(out.UploadId), nil
}

// PresignPart presigns UploadPart n with its checksum signed in.
func (s *Store) PresignPart(ctx context.Context, key, id string, n int, o lot.PartOptions) (lot.SignedURL, error) {
	exp, err := check(key, o.Expires)
	if err != nil {
		return lot.SignedURL{}, err
	}
	if n < 1 || n > lot.MaxParts {
		return lot.SignedURL{}, lot.Errorf(lot.CodeInvalid, "part number %d is outside 1…%d", n, lot.MaxParts)
	}
	in := &s3.UploadPartInput{Bucket: &s.bucket, Key: &key, UploadId: &id, PartNumber: aws.Int32(int32(n))}
	if o.SHA256 != "" {
		in.ChecksumSHA256 = &o.SHA256
	}
	if o.Size > 0 {
		in.ContentLength = &o.Size // signed: S3 refuses a body of another length
	}
	req, err := s.presign.PresignUploadPart(ctx, in, s3.WithPresignExpires(exp))
	return s.signed(req, err, exp)
}

// ListParts lists the uploaded parts, all pages.
func (s *Store) ListParts(ctx context.Context, key, id string) ([]lot.Part, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return nil, err
	}
	var out []lot.Part
	p := s3.NewListPartsPaginator(s.s3, &s3.ListPartsInput{Bucket: &s.bucket, Key: &key, UploadId: &id})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "upload")
		}
		for _, part := range page.Parts {
			out = append(out, lot.Part{Number: int(aws.ToInt32(part.PartNumber)), Size: aws.ToInt64(part.Size),
				ETag: aws.ToString(part.ETag), SHA256: aws.ToString(part.ChecksumSHA256)})
		}
	}
	return out, nil
}

// CompleteUpload joins the parts; S3 checks every ETag and checksum.
func (s *Store) CompleteUpload(ctx context.Context, key, id string, parts []lot.Part) (lot.BlobInfo, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return lot.BlobInfo{}, err
	}
	if err := lot.CheckParts(parts); err != nil {
		return lot.BlobInfo{}, err
	}
	done := make([]types.CompletedPart, len(parts))
	for i, p := range parts {
		done[i] = types.CompletedPart{PartNumber: aws.Int32(int32(p.Number)), ETag: aws.String(p.ETag)}
		if p.SHA256 != "" {
			done[i].ChecksumSHA256 = aws.String(p.SHA256)
		}
	}
	_, err := s.s3.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &s.bucket, Key: &key, UploadId: &id, MultipartUpload: &types.CompletedMultipartUpload{Parts: done},
	})
	if err != nil {
		return lot.BlobInfo{}, translate(err, "upload")
	}
	return s.Head(ctx, key)
}

// AbortUpload discards an upload and its parts.
func (s *Store) AbortUpload(ctx context.Context, key, id string) error {
	if err := lot.CheckBlobKey(key); err != nil {
		return err
	}
	_, err := s.s3.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &key, UploadId: &id})
	return translate(err, "upload")
}

// Head describes key.
func (s *Store) Head(ctx context.Context, key string) (lot.BlobInfo, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return lot.BlobInfo{}, err
	}
	out, err := s.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		return lot.BlobInfo{}, translate(err, "blob")
	}
	return lot.BlobInfo{Key: key, Size: aws.ToInt64(out.ContentLength), ContentType: aws.ToString(out.ContentType),
		ETag: aws.ToString(out.ETag), Modified: aws.ToTime(out.LastModified)}, nil
}

// Read returns a byte range of key.
func (s *Store) Read(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return nil, err
	}
	if offset < 0 || length == 0 {
		return nil, lot.Errorf(lot.CodeInvalid, "a read needs offset ≥ 0 and a non-zero length")
	}
	rng := fmt.Sprintf("bytes=%d-", offset)
	if length > 0 {
		rng += fmt.Sprint(offset + length - 1)
	}
	out, err := s.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key, Range: &rng})
	if err != nil {
		return nil, translate(err, "blob")
	}
	return out.Body, nil
}

// WriteBlob stores body as key with one PutObject.
func (s *Store) WriteBlob(ctx context.Context, key, contentType string, body []byte) error {
	if err := lot.CheckBlobKey(key); err != nil {
		return err
	}
	_, err := s.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: &s.bucket, Key: &key, ContentType: &contentType,
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body)))})
	return translate(err, "blob")
}

// Delete removes key; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := lot.CheckBlobKey(key); err != nil {
		return err
	}
	_, err := s.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &key})
	return translate(err, "blob")
}
