/*
 * image.h - a container image reduced to the few files we need.
 *
 * image_open() reads a `docker save` / `podman save` archive (a file, or
 * standard input as "-") or an OCI image layout directory without ever
 * extracting it to disk, applies its layers in order with whiteouts (.wh.NAME,
 * .wh..wh..opq) and keeps only the wanted paths of the final filesystem, and of
 * the filesystem as it stood after each layer, in memory, under named limits.
 * Read: legacy docker-archive (manifest.json), Docker 25+ and OCI archives
 * (index.json) and OCI layout directories; the archive and each layer may be
 * gzip/zstd/bzip2/xz compressed (detected by magic bytes). OCI manifests and
 * configs are checked against their digests, a legacy config against the
 * digest its file name states, and (unless o->fast) every layer
 * against its diff_id in the config (E_VERIFY).
 *
 * One read of the input: the archive sha256, each layer's diff_id and its
 * files come from the same bytes. With fast set, a seekable uncompressed
 * archive is first indexed (tar headers only), then each layer of the chosen
 * image is read in order from its offset, seeking over the data of files it
 * does not need; no digest of layer contents is computed then.
 *
 * Ownership: the struct image owns everything reachable from it, the layer
 * views included; image_free() releases it all. image_file(), image_dir() and
 * image_layer_view() return borrowed pointers valid until then.
 */
#ifndef AIRLOCK_IMAGE_H
#define AIRLOCK_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct ctx;
struct image_priv;

/* One regular file of the final filesystem (or of a layer view). */
struct image_file {
	char *path;		/* relative, normalised: "var/lib/dpkg/status" (the
				 * wanted path, also when reached through a symlink) */
	uint8_t *data;		/* followed by a NUL byte not counted in len; shared
				 * between the views of one image: never free it */
	size_t len;
	int layer;		/* 0-based index of the layer its content came from */
};

struct image_layer {
	char *digest;		/* "sha256:..." of the uncompressed layer (diff_id) or NULL */
	char *created_by;	/* from the config history, or NULL */
};

struct image {
	char *archive_sha256;	/* hex sha256 of the archive bytes as read; NULL with
				 * fast, or when the input is a layout directory */
	char *config_digest;	/* "sha256:..." */
	char **tags;		/* RepoTags (OCI: the image-name annotation),
				 * NULL-terminated, possibly empty */
	struct image_layer *layers;
	size_t nlayers;
	struct image_file *files;	/* sorted by directory, then name */
	size_t nfiles;
	int digests_verified;	/* every layer was checked against its diff_id */
	unsigned passes;	/* reads of the input: 1, or more when a link's
				 * target had not been kept (see image_open) */
	struct image_priv *priv;	/* views and the bytes they share; NULL in
					 * images built by hand (tests) */
};

struct image_opts {
	const char *ref;	/* the image to read from an archive holding several:
				 * a tag ("debian:12", also matching
				 * "docker.io/library/debian:12"), a name without
				 * tag, or a prefix (4+ hex digits, "sha256:" optional)
				 * of its config or manifest digest; NULL: the only one */
	int fast;		/* skip layer digests and the archive sha256; seek
				 * over file data where the input allows it */
};

/*
 * Wanted paths: an entry "a/b/c" keeps that file; an entry ending in '/' keeps
 * every regular file directly inside that directory. Symlinks, in any component
 * of a wanted path, are resolved inside the image root ("/" and ".." never leave
 * it); hard links get their target's content. A symlink met on the way makes
 * its target wanted for the rest of the read; when a layer already read may
 * hold such a target (a compact summary of each layer's paths says so), that
 * layer is read again (at most IMAGE_MAX_PASSES reads in all; standard input
 * cannot be read again: E_UNSUPPORTED). The returned files are only the wanted
 * ones. A wanted path that is absent (or a dangling or looping link) is simply
 * not in files.
 * path: a file, "-" for standard input, or an OCI layout directory. o may be
 * NULL (defaults). Errors: E_IO, E_FORMAT (not an image, a malformed layer, a
 * path with ".."), E_VERIFY, E_LIMIT, E_USAGE (several images and no o->ref,
 * or o->ref matching several: the message lists them), E_NOTFOUND (no image
 * matches o->ref), E_UNSUPPORTED; the message starts with path.
 */
int image_open_opts(struct ctx *c, const char *path, const char *const *want,
    const struct image_opts *o, struct image **out);
/* image_open_opts() with default options. */
int image_open(struct ctx *c, const char *path, const char *const *want,
    struct image **out);
void image_free(struct image *img);	/* NULL is a no-op */

/* The final file at path (relative, no leading '/'), or NULL. */
const struct image_file *image_file(const struct image *img, const char *path);
/* Files directly inside dir ("var/lib/dpkg/status.d/"), adjacent in files[] in
 * name order: returns how many, and the index of the first one in *first. */
size_t image_dir(const struct image *img, const char *dir, size_t *first);

/*
 * The wanted files as they stood right after layer i was applied (layers 0..i),
 * as an image whose files[] can be read with image_file()/image_dir() (its
 * layers[] are img's; its other fields are NULL). Layers that changed none of
 * the wanted paths share their view with the layer below; the view of the last
 * layer is img itself. NULL when i >= img->nlayers or img was built by hand.
 */
const struct image *image_layer_view(const struct image *img, size_t i);

/* OS identification from the image's os-release and distribution files. */
struct osinfo {
	char *id;		/* "debian"; NULL when unknown */
	char *version_id;	/* "12"; may be NULL (e.g. sid) */
	char *codename;		/* "bookworm"; may be NULL */
	char *pretty_name;	/* may be NULL */
	char *release;		/* the point release of the distribution's own
				 * file where it says more: "12.5" (debian_version),
				 * "3.18.4" (alpine-release), "7.9.2009"
				 * (centos-release), "2023.3.20240131"
				 * (system-release), "12.3" (SuSE-release); NULL */
	char *branch;		/* Alpine: the branch etc/apk/repositories names:
				 * "3.18" (from ".../alpine/v3.18/main"), "edge";
				 * NULL without one */
};

/* Paths image_os() needs kept. */
extern const char *const image_os_paths[];
/*
 * Fills os (owned strings; osinfo_free() them) from etc/os-release, else
 * usr/lib/os-release; without either, from the first distribution file found:
 * etc/debian_version ("debian" and its major version), etc/alpine-release,
 * etc/redhat-release and the like ("rhel", "centos", "fedora", "rocky",
 * "almalinux", "ol"), etc/system-release ("amzn"), etc/SuSE-release ("sles",
 * "opensuse"). release is set from those files in both cases. With nothing
 * recognised id is NULL: an unknown OS, never a clean one. Returns 0 or E_LIMIT.
 */
int image_os(struct ctx *c, const struct image *img, struct osinfo *os);
/* Parses os-release bytes; exposed for tests and fuzzing. */
int image_os_parse(struct ctx *c, const uint8_t *buf, size_t len, struct osinfo *os);
void osinfo_free(struct osinfo *os);

#endif
