// Package inspect decides what a delivered file's inspection found: the
// error-code catalogue (each code with its help text and whether a partner
// may override it), the inspection policy per source type (versioned data,
// policy.json), and the checks that turn a probe, a decoding pass and the
// request into findings. It reads nothing itself: the flow's steps bring
// the probe (ffprobe), the detection (ffmpeg) and the file's text.
package inspect

import "slices"

// Code is an inspection error code as partners see it.
type Code struct {
	Code        string `json:"code"`
	Title       string `json:"title"`
	Help        string `json:"help"`
	Overridable bool   `json:"overridable"`
}

// Error codes.
const (
	ChecksumMismatch      = "CHECKSUM_MISMATCH"
	UnreadableMedia       = "UNREADABLE_MEDIA"
	MissingVideo          = "MISSING_VIDEO"
	MissingAudio          = "MISSING_AUDIO"
	ResolutionTooLow      = "RESOLUTION_TOO_LOW"
	LanguageMismatch      = "LANGUAGE_MISMATCH"
	FrameRateDeclared     = "FRAME_RATE_NOT_AS_DECLARED"
	FrameRateNotPrimary   = "FRAME_RATE_NOT_PRIMARY"
	AudioConfigDeclared   = "AUDIO_CONFIGURATION_NOT_AS_DECLARED"
	AVRuntimeMismatch     = "AV_RUNTIME_MISMATCH"
	DurationChanged       = "DURATION_CHANGED"
	BlackSegment          = "BLACK_SEGMENT"
	Silence               = "SILENCE"
	UndecodableFrames     = "UNDECODABLE_FRAMES"
	SubtitleNotUTF8       = "SUBTITLE_NOT_UTF8"
	SubtitleMalformed     = "SUBTITLE_MALFORMED"
	SubtitleFormat        = "SUBTITLE_FORMAT_NOT_AS_DECLARED"
	SubtitleTiming        = "SUBTITLE_TIMING"
	SubtitleOrder         = "SUBTITLE_ORDER"
	SubtitleOutsideRuntme = "SUBTITLE_OUTSIDE_RUNTIME"
	BitDepthDeclared      = "BIT_DEPTH_NOT_AS_DECLARED"
	SampleRateDeclared    = "SAMPLE_RATE_NOT_AS_DECLARED"
	FormatDeclared        = "FORMAT_NOT_AS_DECLARED"
	FormatNotAccepted     = "FORMAT_NOT_ACCEPTED"
	FormatUnknown         = "FORMAT_NOT_RECOGNIZED"
	FileDamaged           = "FILE_DAMAGED"

	// IMF packages (shared/imf; imf.go maps each problem class to its code).
	IMFNotAPackage       = "IMF_NOT_A_PACKAGE"
	IMFXMLMalformed      = "IMF_XML_MALFORMED"
	IMFWrongDocument     = "IMF_WRONG_DOCUMENT"
	IMFInvalidDocument   = "IMF_INVALID_DOCUMENT"
	IMFIncomplete        = "IMF_INCOMPLETE_PACKAGE"
	IMFAssetMissing      = "IMF_ASSET_MISSING"
	IMFFileNotInMap      = "IMF_FILE_NOT_IN_ASSETMAP"
	IMFSizeMismatch      = "IMF_PKL_SIZE_MISMATCH"
	IMFHashMismatch      = "IMF_PKL_HASH_MISMATCH"
	IMFUnknownResource   = "IMF_RESOURCE_UNKNOWN"
	IMFTiming            = "IMF_TIMING"
	IMFIDMismatch        = "IMF_ID_MISMATCH"
	IMFTrackUnreadable   = "IMF_TRACK_UNREADABLE"
	IMFTrackEssence      = "IMF_TRACK_ESSENCE"
	IMFTrackEditRate     = "IMF_TRACK_EDIT_RATE"
	IMFTrackDuration     = "IMF_TRACK_DURATION"
	IMFCompositionDecode = "IMF_COMPOSITION_UNDECODABLE"
)

// Catalogue lists every code, in the order partners read them.
var Catalogue = []Code{
	{ChecksumMismatch, "File damaged in transit", "The stored file's SHA-256 differs from the one declared for it: bytes changed between your disk and storage. Deliver the file again; if it happens twice, check the file on your side (sha256sum).", false},
	{UnreadableMedia, "Not a readable media file", "The file could not be opened as audio or video. Check that it is the intended file, complete, and in a container the source type allows.", false},
	{MissingVideo, "No video stream", "This source type needs a video stream and the file has none.", false},
	{MissingAudio, "No audio stream", "This source type needs at least one audio stream and the file has none.", false},
	{ResolutionTooLow, "Resolution below what was requested", "The request is for UHD, which needs at least 3840×2160; the video is smaller. Deliver the UHD master.", false},
	{LanguageMismatch, "Language not as requested", "The language tagged in the file (an audio stream's tag; a subtitle document's xml:lang or EBU STL language code) or given in the delivery metadata differs from the request's language. Deliver the right language, or fix the tag or the metadata.", false},
	{FrameRateDeclared, "Frame rate not as declared", "The frame rate in the file differs from the frame rate given in the delivery metadata. Correct the metadata or the file.", false},
	{FrameRateNotPrimary, "Frame rate differs from the title's", "Assets of a title are delivered at the frame rate of its primary video. Conform the file to the title's frame rate.", false},
	{AudioConfigDeclared, "Audio configuration not as declared", "The channel count in the file does not fit the audio configuration given (2.0 is 2 channels, 5.1 is 6, 7.1 is 8). Correct the metadata or the file.", false},
	{AVRuntimeMismatch, "Video and audio lengths differ", "The video and audio streams differ in length by more than the policy allows (1 s): audio may be cut or padded. Re-export with matching lengths.", false},
	{DurationChanged, "Duration differs from the previous delivery", "This file's duration differs from the previous delivery to the same request. If the cut changed on purpose, override with the reason; the studio verifies it.", true},
	{BlackSegment, "Black video", "The video is black for longer than the policy allows at the times listed. If the black is intended (a fade, a slate), override with the reason; the studio verifies it.", true},
	{Silence, "Silence", "The audio is silent for longer than the policy allows at the times listed. If the silence is intended, override with the reason; the studio verifies it.", true},
	{UndecodableFrames, "Frames that cannot be decoded", "Decoding the file end to end found errors: frames are damaged or missing. Re-export and deliver again.", false},
	{SubtitleNotUTF8, "Subtitle text is not UTF-8", "Subtitle files are read as UTF-8; this one has bytes that are not. Save it as UTF-8.", false},
	{SubtitleMalformed, "Subtitle file cannot be read", "The subtitle file is not well-formed for its format (TTML/DFXP: XML with TTML time expressions and parameters; SRT: numbered cues with times; EBU STL: the GSI and TTI blocks of EBU Tech 3264; SCC: the Scenarist_SCC V1.0 header, then time codes and CEA-608 words with odd parity). The message says where.", false},
	{SubtitleFormat, "Subtitle format not as declared", "The file's format differs from the subtitle format given in the delivery metadata.", false},
	{SubtitleTiming, "Subtitle cue ends before it begins", "Every cue must begin before it ends. The message lists the cues.", false},
	{SubtitleOrder, "Subtitle cues out of order", "Cues must be in time order. The message lists the first out of place.", false},
	{SubtitleOutsideRuntme, "Subtitle cue past the programme", "A cue lies outside the programme's runtime. Check the timecode offset (start timecode) and the cut.", false},
	{BitDepthDeclared, "Bit depth not as declared", "An audio stream's bit depth (bits per sample) differs from the bit depth given in the delivery metadata. Lossy codecs (AAC, AC-3, …) have no bit depth and are not checked. It cannot be overridden: the studio's systems take the stream as declared, so a wrong bit depth is corrected, in the metadata or the file, and delivered again.", false},
	{SampleRateDeclared, "Sample rate not as declared", "An audio stream's sample rate differs from the sample rate given in the delivery metadata (48000 or 96000 Hz). It cannot be overridden: audio at another rate than declared plays at the wrong speed or is resampled downstream; correct the metadata or the file and deliver again.", false},
	{FormatDeclared, "File format not as declared", "The file's content (read by its signature and structure, not its name) is not the format declared for it: in the delivery metadata, or, where the metadata names none, by its file name's extension. It cannot be overridden: the studio's systems open the file as the format declared and cannot read another; deliver the file in the declared format, or declare the format it is in.", false},
	{FormatNotAccepted, "File format not accepted", "The file is of a format this source type is not delivered in (Final Script: PDF, DOCX or XLSX; Dub Card Image: PNG, TIFF, JPEG or PSD). It cannot be overridden: the studio's systems take only these formats; convert the file and deliver again.", false},
	{FormatUnknown, "File format not recognized", "The file's bytes match no document or image format openlot knows (the message shows how it begins): it may be the wrong file, encrypted, or empty. It cannot be overridden: a file no tool can identify cannot be used; deliver the intended file.", false},
	{FileDamaged, "File damaged or incomplete", "The file starts as its format should, but its structure is broken: a PDF without its %%EOF end marker, a PNG without its IEND end chunk, an Office document whose main part is missing, a header that cannot be read. Usually the file was cut short in export or transfer. It cannot be overridden: a damaged file may not open at all; export it again and deliver again.", false},
	{IMFNotAPackage, "Not an IMF package", "An IMF delivery is a package: an ASSETMAP (SMPTE ST 429-9), packing lists (PKL), composition playlists (CPL) and MXF track files, all delivered in one transfer. No ASSETMAP was found. Deliver every file of the IMP.", false},
	{IMFXMLMalformed, "IMF document is not well-formed XML", "An XML document of the package (ASSETMAP, VOLINDEX, PKL, CPL, OPL) cannot be read as XML. The message names the file and where reading stopped. Export the package again from your IMF tool.", false},
	{IMFWrongDocument, "IMF document of the wrong kind", "An XML file of the package does not have the root element and namespace the SMPTE documents give (AssetMap and VolumeIndex of ST 429-9, PackingList of ST 2067-2 or ST 429-8, CompositionPlaylist of ST 2067-3, OutputProfileList of ST 2067-100). Deliver the documents your IMF tool wrote, unedited.", false},
	{IMFInvalidDocument, "IMF document incomplete or of the wrong form", "A document lacks an element its SMPTE document requires, or a value has the wrong form (IDs are urn:uuid, hashes the base64 of a SHA-1, sizes and durations whole numbers). The message names the file and the element.", false},
	{IMFIncomplete, "IMF package without a PKL or CPL", "Every IMF package has at least one packing list (PKL) and one composition playlist (CPL). Deliver them with the track files.", false},
	{IMFAssetMissing, "IMF asset not delivered", "The ASSETMAP or a packing list names an asset whose file is not in this delivery. Deliver every file of the package in one transfer, at the paths the ASSETMAP gives.", false},
	{IMFFileNotInMap, "File not in the ASSETMAP", "A delivered file is not listed in the ASSETMAP, so no IMF tool will find it. If it was added by mistake (notes, a checksum file), override with the reason; otherwise export the package again.", true},
	{IMFSizeMismatch, "IMF asset size differs from the PKL", "A delivered file's size differs from the size its packing list gives: the file is truncated or is not the one packed. Deliver the file again, or repack.", false},
	{IMFHashMismatch, "IMF asset hash differs from the PKL", "A delivered file's SHA-1 differs from the hash its packing list gives: the bytes are not those packed. Deliver the file again, or repack.", false},
	{IMFUnknownResource, "CPL plays a track file that is not delivered", "A composition playlist plays a track file that is in no packing list or ASSETMAP of this delivery and was not delivered before for this title. Deliver the track file, or the complete package.", false},
	{IMFTiming, "IMF timeline inconsistent", "Edit rates, entry points or durations in a CPL do not agree (SMPTE ST 2067-3): a resource plays past its track file's end, the sequences of a segment differ in length, the main image is not at the composition's edit rate, or TotalRunningTime differs from the segments. The message says where.", false},
	{IMFIDMismatch, "IMF IDs do not agree", "An ID differs between documents that must agree: a CPL or PKL whose own Id is not the one the ASSETMAP lists it under, an asset in no packing list, an ID used twice. The message names both.", false},
	{IMFTrackUnreadable, "IMF track file cannot be read", "A track file of the package could not be opened as MXF audio or video. Check that it is complete and is the file the CPL names.", false},
	{IMFTrackEssence, "IMF track file of the wrong kind", "A track file played as the main image has no video, or one played as main audio has no audio. The CPL plays the wrong file in that sequence.", false},
	{IMFTrackEditRate, "IMF track frame rate differs from the CPL", "The image track file's frame rate differs from the edit rate the CPL plays it at. Export the CPL and the track file at the same rate.", false},
	{IMFTrackDuration, "IMF track file length differs from the CPL", "A track file is shorter or longer than the IntrinsicDuration its CPL resource gives. Export the CPL again from the delivered track files.", false},
	{IMFCompositionDecode, "IMF composition cannot be played", "Playing the composition with ffmpeg's IMF reader failed before its end: a track file or the CPL cannot be followed. The message gives ffmpeg's reason. If the package plays in your IMF tools (ffmpeg's reader lacks some features), override with the reason; the studio verifies it.", true},
}

// Lookup finds a code in the catalogue.
func Lookup(code string) (Code, bool) {
	i := slices.IndexFunc(Catalogue, func(c Code) bool { return c.Code == code })
	if i < 0 {
		return Code{}, false
	}
	return Catalogue[i], true
}
