// Package consent keeps a practice's informed-consent documents and its
// clients' signatures of them (KAP.md §1 and §8 for what the treatment
// consent says, §6 for how an electronic signature is kept).
//
// A practice holds one document of each Kind. A document has versions: an
// administrator drafts one (title and text), previews it and publishes it;
// publishing numbers it, and from then on the database refuses to change
// it. Whether a document must be signed before treatment is the practice's
// choice, taken with each version.
//
// A client signs the latest published version in the portal by typing
// their full legal name and ticking an explicit agreement. The signature
// keeps the typed name, the time, the network address, the browser and the
// SHA-256 of the version's stored text (UTF-8), hashed on the server; the
// page also sends back the hash it showed, so a signature is never taken
// for a text the person did not see. A clinician on the care team may
// countersign as witness. A revocation, by the client or recorded by
// staff, takes effect when it is written. Signatures, countersignatures and
// revocations are never edited: each is a row of its own.
//
// A client's consent is current when they have signed the latest published
// version of every required document and not revoked that signature
// (Current). Publishing a new version of a required document therefore
// asks everyone who signed an older one to sign again.
//
// Door is how the faces use all this: each of its methods is one use case,
// decided and audited through access.Service.Do in one transaction, with
// the consent events on the trail beside the access. The functions it
// composes run inside that transaction; the clock is passed in.
package consent
