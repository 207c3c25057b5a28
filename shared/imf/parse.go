package imf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The namespaces of the documents' root elements.
const (
	NSAssetMap = "http://www.smpte-ra.org/schemas/429-9/2007/AM"   // ST 429-9: ASSETMAP and VOLINDEX
	NSPKL2007  = "http://www.smpte-ra.org/schemas/429-8/2007/PKL"  // ST 429-8 packing list
	NSPKL2016  = "http://www.smpte-ra.org/schemas/2067-2/2016/PKL" // ST 2067-2:2016 packing list
	NSCPL2013  = "http://www.smpte-ra.org/schemas/2067-3/2013"     // ST 2067-3:2013 CPL
	NSCPL2016  = "http://www.smpte-ra.org/schemas/2067-3/2016"     // ST 2067-3:2016 CPL
	NSOPL2014  = "http://www.smpte-ra.org/schemas/2067-100/2014"   // ST 2067-100 OPL
	sha1URI    = "http://www.w3.org/2000/09/xmldsig#sha1"          // the PKL's hash algorithm (the only one)
	maxXML     = 16 << 20                                          // larger "documents" are not read
	maxDepth   = 64                                                // nesting beyond this is refused
)

// MaxXML is the largest XML document of a package openlot reads (16 MiB;
// real CPLs are a few hundred KiB). Of a larger one, the caller hands Open
// the first bytes only.
const MaxXML = maxXML

// Kind is what an XML document of a package is, by its root element.
type Kind string

// Document kinds.
const (
	KindAssetMap    Kind = "ASSETMAP"
	KindVolumeIndex Kind = "VOLINDEX"
	KindPKL         Kind = "PKL"
	KindCPL         Kind = "CPL"
	KindOPL         Kind = "OPL"
)

// A Problem is something wrong with a package, of one Class (which
// inspection maps to an error code), with a message that names the file
// and the element.
type Problem struct {
	Class   Class
	File    string
	Message string
}

func (p Problem) Error() string { return p.File + ": " + p.Message }

// Class is the kind of a Problem.
type Class string

// Problem classes.
const (
	Malformed     Class = "malformed"        // not well-formed XML
	WrongDocument Class = "wrong-document"   // root element or namespace not the one expected
	Invalid       Class = "invalid"          // a required element missing or a value of the wrong form
	NoAssetMap    Class = "no-assetmap"      // no ASSETMAP: not a package
	Incomplete    Class = "incomplete"       // no PKL or no CPL
	AssetMissing  Class = "asset-missing"    // an ASSETMAP or PKL asset not delivered
	NotInAssetMap Class = "not-in-assetmap"  // a delivered file the ASSETMAP does not list
	SizeMismatch  Class = "size-mismatch"    // delivered size differs from the PKL's
	HashMismatch  Class = "hash-mismatch"    // delivered SHA-1 differs from the PKL's
	UnknownTrack  Class = "unknown-resource" // a CPL resource's track file is in no PKL/ASSETMAP, nor delivered earlier
	Timing        Class = "timing"           // edit rates, entry points, durations inconsistent
	IDMismatch    Class = "id-mismatch"      // IDs that should agree do not
)

// errWrongRoot marks a document whose root is not the one expected.
var errWrongRoot = errors.New("wrong root")

// Root reads the root element of an XML document (its local name and
// namespace). It fails on a document that is not well-formed XML.
func Root(b []byte) (xml.Name, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				return xml.Name{}, errors.New("no root element")
			}
			return xml.Name{}, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name, nil
		}
	}
}

// Identify says which IMF document b is, from its root element and that
// element's namespace; ok is false for XML that is none of them.
func Identify(b []byte) (Kind, bool) {
	n, err := Root(b)
	if err != nil {
		return "", false
	}
	switch {
	case n.Local == "AssetMap" && n.Space == NSAssetMap:
		return KindAssetMap, true
	case n.Local == "VolumeIndex" && n.Space == NSAssetMap:
		return KindVolumeIndex, true
	case n.Local == "PackingList" && (n.Space == NSPKL2016 || n.Space == NSPKL2007):
		return KindPKL, true
	case n.Local == "CompositionPlaylist" && (n.Space == NSCPL2016 || n.Space == NSCPL2013):
		return KindCPL, true
	case n.Local == "OutputProfileList" && strings.HasPrefix(n.Space, "http://www.smpte-ra.org/schemas/2067-100/"):
		return KindOPL, true
	}
	return "", false
}

// wellFormed decodes b to its end: XML syntax, one root element, nesting
// within maxDepth.
func wellFormed(b []byte) error {
	if len(b) > maxXML {
		return fmt.Errorf("%d bytes; an IMF document is at most %d", len(b), maxXML)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
			if depth > maxDepth {
				return fmt.Errorf("elements nested more than %d deep", maxDepth)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(tok.(xml.CharData))) > 0 {
				return errors.New("text outside the root element")
			}
		}
	}
	if roots != 1 {
		return fmt.Errorf("%d root elements; a document has one", roots)
	}
	return nil
}

// parse checks b is well-formed with the root (local name, namespaces)
// wanted, then decodes it into v. The error is a Problem.
func parse(file string, b []byte, local string, spaces []string, v any) error {
	if err := wellFormed(b); err != nil {
		return Problem{Malformed, file, "not well-formed XML: " + err.Error()}
	}
	n, _ := Root(b)
	if n.Local != local || !slices.Contains(spaces, n.Space) {
		return Problem{WrongDocument, file, fmt.Sprintf("the root element is %s in namespace %q; a %s is %s in %s",
			n.Local, n.Space, local, local, strings.Join(spaces, " or "))}
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return Problem{Invalid, file, err.Error()}
	}
	return nil
}

var uuidURN = regexp.MustCompile(`(?i)^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ID normalises an identifier (urn:uuid, RFC 4122) for comparison: trimmed
// and in lower case; ok is false when it is not a urn:uuid.
func ID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	return strings.ToLower(s), uuidURN.MatchString(s)
}

// Rational is an edit rate ("24 1", "24000 1001", "48000 1").
type Rational struct{ Num, Den int64 }

// ParseRational reads two positive integers separated by white space.
func ParseRational(s string) (Rational, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return Rational{}, fmt.Errorf("edit rate %q is not two integers (as \"24 1\")", clip(s))
	}
	n, err1 := strconv.ParseInt(f[0], 10, 64)
	d, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil || n <= 0 || d <= 0 || n > 1<<31 || d > 1<<31 {
		return Rational{}, fmt.Errorf("edit rate %q is not two positive integers", clip(s))
	}
	return Rational{n, d}, nil
}

// Float is the rate as a number (frames or samples per second).
func (r Rational) Float() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// IsZero says whether the rate was not given.
func (r Rational) IsZero() bool { return r.Den == 0 }

func (r Rational) String() string { return fmt.Sprintf("%d %d", r.Num, r.Den) }

// seconds is n × times edit units at rate r, exactly (no overflow).
func (r Rational) seconds(n, times int64) *big.Rat {
	if r.Num == 0 {
		return new(big.Rat)
	}
	units := new(big.Int).Mul(big.NewInt(n), big.NewInt(times))
	return new(big.Rat).SetFrac(units.Mul(units, big.NewInt(r.Den)), big.NewInt(r.Num))
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// count reads an xs:nonNegativeInteger element; absent is -1.
func count(file, what, s string) (int64, *Problem) {
	s = strings.TrimSpace(s)
	if s == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return -1, &Problem{Invalid, file, fmt.Sprintf("%s %q is not a non-negative integer", what, clip(s))}
	}
	return n, nil
}
