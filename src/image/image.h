/*
 * image.h - a container image tarball reduced to the few files we need.
 *
 * image_open() streams a `docker save` / `podman save` archive once (never
 * extracting to disk), applies its layers in order with whiteouts (.wh.NAME,
 * .wh..wh..opq) and keeps only the wanted paths of the final filesystem, in
 * memory, under named limits. Read: legacy docker-archive (manifest.json),
 * Docker 25+ and OCI archives (index.json); the archive and each layer may be
 * gzip/zstd/bzip2/xz compressed. Every layer is checked against its diff_id in
 * the config (E_VERIFY), OCI manifests and configs against their digests.
 *
 * Ownership: the struct image owns everything reachable from it; image_free()
 * releases it all. image_file() returns borrowed pointers valid until then.
 */
#ifndef AIRLOCK_IMAGE_H
#define AIRLOCK_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct ctx;

/* One regular file of the final filesystem. */
struct image_file {
	char *path;		/* relative, normalised: "var/lib/dpkg/status" (the
				 * wanted path, also when reached through a symlink) */
	uint8_t *data;		/* followed by a NUL byte not counted in len */
	size_t len;
	int layer;		/* 0-based index of the layer its content came from */
};

struct image_layer {
	char *digest;		/* "sha256:..." of the uncompressed layer (diff_id) or NULL */
	char *created_by;	/* from the config history, or NULL */
};

struct image {
	char *archive_sha256;	/* hex sha256 of the archive file as read */
	char *config_digest;	/* "sha256:..." */
	char **tags;		/* RepoTags (OCI: the image-name annotation),
				 * NULL-terminated, possibly empty */
	struct image_layer *layers;
	size_t nlayers;
	struct image_file *files;	/* sorted by directory, then name */
	size_t nfiles;
};

/*
 * Wanted paths: an entry "a/b/c" keeps that file; an entry ending in '/' keeps
 * every regular file directly inside that directory. Symlinks, in any component
 * of a wanted path, are resolved inside the image root ("/" and ".." never leave
 * it); hard links get their target's content. When a link's target was not
 * kept, the archive is walked again with the target wanted too (at most a few
 * times, a named limit); the returned files are only the wanted ones. A wanted
 * path that is absent (or a dangling or looping link) is simply not in files.
 * Errors: E_IO, E_FORMAT (not an image, a malformed layer, a path with ".."),
 * E_VERIFY, E_LIMIT, E_UNSUPPORTED (several images in one archive); the
 * message starts with path.
 */
int image_open(struct ctx *c, const char *path, const char *const *want,
    struct image **out);
void image_free(struct image *img);	/* NULL is a no-op */

/* The final file at path (relative, no leading '/'), or NULL. */
const struct image_file *image_file(const struct image *img, const char *path);
/* Files directly inside dir ("var/lib/dpkg/status.d/"), adjacent in files[] in
 * name order: returns how many, and the index of the first one in *first. */
size_t image_dir(const struct image *img, const char *dir, size_t *first);

/* OS identification from the image's os-release files. */
struct osinfo {
	char *id;		/* "debian"; NULL when unknown */
	char *version_id;	/* "12"; may be NULL (e.g. sid) */
	char *codename;		/* "bookworm"; may be NULL */
	char *pretty_name;	/* may be NULL */
};

/* Paths image_os() needs kept. */
extern const char *const image_os_paths[];
/* Fills os (owned strings; osinfo_free() them) from etc/os-release, else
 * usr/lib/os-release; with neither, etc/debian_version gives id "debian" and
 * its major version; with nothing, id is NULL. Returns 0 or E_LIMIT. */
int image_os(struct ctx *c, const struct image *img, struct osinfo *os);
/* Parses os-release bytes; exposed for tests and fuzzing. */
int image_os_parse(struct ctx *c, const uint8_t *buf, size_t len, struct osinfo *os);
void osinfo_free(struct osinfo *os);

#endif
