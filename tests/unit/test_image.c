#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"
#include "test.h"

/*
 * Image archives are built here with libarchive's writer, the way `docker
 * save` / `podman save` lay them out; file contents are real: Debian 12's
 * os-release and the dpkg status files of tests/data/dpkg.
 */

static const char debian12_os_release[] =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
    "NAME=\"Debian GNU/Linux\"\n"
    "VERSION_ID=\"12\"\n"
    "VERSION=\"12 (bookworm)\"\n"
    "VERSION_CODENAME=bookworm\n"
    "ID=debian\n"
    "HOME_URL=\"https://www.debian.org/\"\n"
    "SUPPORT_URL=\"https://www.debian.org/support\"\n"
    "BUG_REPORT_URL=\"https://bugs.debian.org/\"\n";

/* One layer entry: 'f' file, 'd' directory, 'l' symlink, 'h' hard link. */
struct tent {
	const char *path;
	char type;
	const char *data;	/* content, or link target */
	size_t len;		/* 0: strlen(data) */
};

struct layer {
	const struct tent *ents;
	size_t n;
	int compress;		/* 0 none, 1 gzip, 2 zstd */
	const char *created_by;
};

static la_ssize_t
sb_write(struct archive *a, void *v, const void *buf, size_t n)
{
	(void)a;
	sb_add(v, buf, n);
	return (la_ssize_t)n;
}

static void
tar_build(const struct tent *ents, size_t n, struct sb *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t i, len;

	archive_write_set_format_pax_restricted(a);
	archive_write_open(a, out, NULL, sb_write, NULL);
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, ents[i].path);
		archive_entry_set_mtime(e, 1700000000, 0);
		len = ents[i].len ? ents[i].len : (ents[i].data ? strlen(ents[i].data) : 0);
		switch (ents[i].type) {
		case 'f':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)len);
			break;
		case 'd':
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
			break;
		case 'l':
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, ents[i].data);
			break;
		case 'h':
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_hardlink(e, ents[i].data);
			archive_entry_set_size(e, 0);
			break;
		}
		archive_write_header(a, e);
		if (ents[i].type == 'f' && len > 0)
			archive_write_data(a, ents[i].data, len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

/* in compressed as one gzip or zstd stream. */
static void
compress(const struct sb *in, int how, struct sb *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	archive_write_set_format_raw(a);
	archive_write_set_bytes_in_last_block(a, 1);	/* no zero padding after the stream */
	if (how == 1)
		archive_write_add_filter_gzip(a);
	else
		archive_write_add_filter_zstd(a);
	archive_write_open(a, out, NULL, sb_write, NULL);
	archive_entry_set_pathname(e, "data");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)in->len);
	archive_write_header(a, e);
	archive_write_data(a, in->s, in->len);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
}

static void
sha_hex(const void *p, size_t n, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t h[32];
	int i;

	crypto_hash_sha256(h, p, n);
	for (i = 0; i < 32; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[64] = '\0';
}

struct outer {
	struct archive *a;
};

static void
outer_open(struct outer *o, const char *path, int gzip)
{
	o->a = archive_write_new();
	archive_write_set_format_pax_restricted(o->a);
	if (gzip)
		archive_write_add_filter_gzip(o->a);
	archive_write_open_filename(o->a, path);
}

static void
outer_add(struct outer *o, const char *name, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0444);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_write_header(o->a, e);
	archive_write_data(o->a, data, len);
	archive_entry_free(e);
}

static void
outer_symlink(struct outer *o, const char *name, const char *target)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFLNK);
	archive_entry_set_perm(e, 0777);
	archive_entry_set_symlink(e, target);
	archive_write_header(o->a, e);
	archive_entry_free(e);
}

static void
outer_close(struct outer *o)
{
	archive_write_close(o->a);
	archive_write_free(o->a);
}

/* Options of a docker-archive built by docker_archive(). */
struct dopts {
	int manifest_first;	/* manifest.json before the layers (else last) */
	int gzip_outer;
	int bad_diff_id;	/* 1-based layer whose diff_id is wrong, 0 none */
	int two_images;
};

/*
 * A docker-archive as podman writes it: HEX.tar layers, ID/layer.tar symlinks
 * to them, a config HEX.json, manifest.json, repositories. config_digest gets
 * "sha256:" + the config's sha256.
 */
static void
docker_archive(const char *path, const struct layer *layers, size_t nl, const struct dopts *o,
    char config_digest[72])
{
	struct sb cfg = SB_INIT, man = SB_INIT, name = SB_INIT, lnames = SB_INIT;
	struct sb *blobs = calloc(nl, sizeof(*blobs));
	char hex[65], (*hexes)[65] = calloc(nl, sizeof(*hexes));
	struct outer out;
	size_t i;

	sb_adds(&cfg, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
	    "\"diff_ids\":[");
	for (i = 0; i < nl; i++) {
		struct sb u = SB_INIT;

		tar_build(layers[i].ents, layers[i].n, &u);
		sha_hex(u.s, u.len, hexes[i]);
		if (layers[i].compress)
			compress(&u, layers[i].compress, &blobs[i]);
		else
			sb_add(&blobs[i], u.s, u.len);
		sb_free(&u);
		sb_addf(&cfg, "%s\"sha256:%s\"", i ? "," : "",
		    (int)i + 1 == o->bad_diff_id ?
		    "0000000000000000000000000000000000000000000000000000000000000000" : hexes[i]);
	}
	sb_adds(&cfg, "]},\"history\":[");
	for (i = 0; i < nl; i++) {
		sb_addf(&cfg, "%s{\"created_by\":\"%s\"}", i ? "," : "", layers[i].created_by);
		if (i == 0)	/* an empty layer between: skipped when matching */
			sb_adds(&cfg, ",{\"created_by\":\"/bin/sh -c #(nop) CMD [\\\"bash\\\"]\","
			    "\"empty_layer\":true}");
	}
	sb_adds(&cfg, "]}");
	sha_hex(cfg.s, cfg.len, hex);
	snprintf(config_digest, 72, "sha256:%s", hex);
	for (i = 0; i < nl; i++)
		sb_addf(&lnames, "%s\"%zu/layer.tar\"", i ? "," : "", i);
	sb_addf(&man, "[{\"Config\":\"%s.json\",\"RepoTags\":[\"localhost/test:1\",\"test:latest\"],"
	    "\"Layers\":[%s]}", hex, sb_str(&lnames));
	if (o->two_images)
		sb_addf(&man, ",{\"Config\":\"%s.json\",\"RepoTags\":[],\"Layers\":[%s]}", hex,
		    sb_str(&lnames));
	sb_adds(&man, "]");

	outer_open(&out, path, o->gzip_outer);
	if (o->manifest_first)
		outer_add(&out, "manifest.json", man.s, man.len);
	for (i = 0; i < nl; i++) {
		sb_reset(&name);
		sb_addf(&name, "%s.tar", hexes[i]);
		outer_add(&out, sb_str(&name), blobs[i].s, blobs[i].len);
	}
	sb_reset(&name);
	sb_addf(&name, "%s.json", hex);
	outer_add(&out, sb_str(&name), cfg.s, cfg.len);
	for (i = 0; i < nl; i++) {
		char target[80];

		sb_reset(&name);
		sb_addf(&name, "%zu/layer.tar", i);
		snprintf(target, sizeof(target), "../%s.tar", hexes[i]);
		outer_symlink(&out, sb_str(&name), target);
		sb_reset(&name);
		sb_addf(&name, "%zu/VERSION", i);
		outer_add(&out, sb_str(&name), "1.0", 3);
	}
	if (!o->manifest_first)
		outer_add(&out, "manifest.json", man.s, man.len);
	outer_add(&out, "repositories", "{\"test\":{\"1\":\"x\"}}", 19);
	outer_close(&out);
	for (i = 0; i < nl; i++)
		sb_free(&blobs[i]);
	free(blobs);
	free(hexes);
	sb_free(&cfg);
	sb_free(&man);
	sb_free(&name);
	sb_free(&lnames);
}

static const char *const want_all[] = {
	"etc/os-release", "usr/lib/os-release", "etc/debian_version",
	"var/lib/dpkg/status", "var/lib/dpkg/status.d/", NULL,
};

static char *
slurp_str(const char *rel)
{
	size_t len;

	return (char *)test_slurp(test_data(rel), &len);
}

static int
file_is(const struct image *img, const char *path, const char *data, int layer)
{
	const struct image_file *f = image_file(img, path);

	return f != NULL && f->len == strlen(data) && memcmp(f->data, data, f->len) == 0 &&
	    f->data[f->len] == '\0' && f->layer == layer;
}

/* Two layers, the second gzip-compressed; manifest.json last; os-release a symlink. */
DEFINE_TEST(test_image_docker_two_layers)
{
	char *pg = slurp_str("dpkg/debian-10-postgresql-excerpt/status");
	char *ubuntu = slurp_str("dpkg/ubuntu-18.04/status");
	const struct tent l1[] = {
		{ "./", 'd', NULL, 0 },
		{ "./etc/", 'd', NULL, 0 },
		{ "./etc/os-release", 'l', "../usr/lib/os-release", 0 },
		{ "./etc/debian_version", 'f', "12.5\n", 0 },
		{ "./usr/lib/os-release", 'f', debian12_os_release, 0 },
		{ "./usr/bin/true", 'f', "\x7f" "ELF", 0 },
		{ "./var/lib/dpkg/status", 'f', pg, 0 },
		{ "./var/lib/dpkg/status-old", 'f', "old", 0 },
	};
	const struct tent l2[] = {
		{ "var/lib/dpkg/", 'd', NULL, 0 },
		{ "var/lib/dpkg/status", 'f', ubuntu, 0 },
		{ "tmp/.wh.junk", 'f', "", 0 },
	};
	const struct layer layers[] = {
		{ l1, 8, 0, "/bin/sh -c #(nop) ADD file:abc in /" },
		{ l2, 3, 1, "/bin/sh -c apt-get install -y curl" },
	};
	struct dopts o = { 0 };
	char cfg[72], hex[65];
	struct ctx c;
	struct image *img = NULL;
	struct osinfo os;
	struct pkglist l = { 0 };
	uint8_t *arch;
	size_t len;

	ctx_init(&c);
	docker_archive("img.tar", layers, 2, &o, cfg);
	ASSERT_OK(&c, image_open(&c, "img.tar", want_all, &img));
	arch = test_slurp("img.tar", &len);
	sha_hex(arch, len, hex);
	free(arch);
	ASSERT_STR_EQ(img->archive_sha256, hex);
	ASSERT_STR_EQ(img->config_digest, cfg);
	ASSERT_STR_EQ(img->tags[0], "localhost/test:1");
	ASSERT_STR_EQ(img->tags[1], "test:latest");
	ASSERT(img->tags[2] == NULL);
	ASSERT_INT_EQ(img->nlayers, 2);
	ASSERT(img->layers[0].digest != NULL && strncmp(img->layers[0].digest, "sha256:", 7) == 0);
	ASSERT_STR_EQ(img->layers[0].created_by, "/bin/sh -c #(nop) ADD file:abc in /");
	ASSERT_STR_EQ(img->layers[1].created_by, "/bin/sh -c apt-get install -y curl");
	/* the symlink resolves to the file of layer 0; later status replaces earlier */
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	ASSERT(file_is(img, "usr/lib/os-release", debian12_os_release, 0));
	ASSERT(file_is(img, "etc/debian_version", "12.5\n", 0));
	ASSERT(file_is(img, "var/lib/dpkg/status", ubuntu, 1));
	ASSERT(image_file(img, "var/lib/dpkg/status-old") == NULL);
	ASSERT(image_file(img, "usr/bin/true") == NULL);
	ASSERT_INT_EQ(img->nfiles, 4);
	ASSERT_OK(&c, image_os(&c, img, &os));
	ASSERT_STR_EQ(os.id, "debian");
	ASSERT_STR_EQ(os.version_id, "12");
	ASSERT_STR_EQ(os.codename, "bookworm");
	ASSERT_STR_EQ(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
	osinfo_free(&os);
	ASSERT_OK(&c, pkgdb_read_all(&c, img, &l));
	ASSERT_INT_EQ(l.n, 90);
	ASSERT_INT_EQ(l.v[0].layer, 1);
	pkglist_free(&l);
	image_free(img);
	free(pg);
	free(ubuntu);
}

/* .wh.NAME, .wh..wh..opq and a whiteout of an ancestor directory. */
DEFINE_TEST(test_image_whiteouts)
{
	char *pg = slurp_str("dpkg/debian-10-postgresql-excerpt/status");
	char *stanza = slurp_str(
	    "dpkg/distroless-debian-11-arm64/var/lib/dpkg/status.d/libsqlite3-0");
	const struct tent l1[] = {
		{ "var/lib/dpkg/status", 'f', pg, 0 },
		{ "var/lib/dpkg/status.d/a", 'f', stanza, 0 },
		{ "var/lib/dpkg/status.d/b", 'f', "Package: b\nVersion: 1\n", 0 },
		{ "var/lib/dpkg/status.d/b.md5sums", 'f', "x", 0 },
		{ "usr/lib/os-release", 'f', debian12_os_release, 0 },
		{ "etc/os-release", 'l', "/usr/lib/os-release", 0 },
	};
	const struct tent l2[] = {	/* status deleted; status.d/a deleted */
		{ "var/lib/dpkg/.wh.status", 'f', "", 0 },
		{ "var/lib/dpkg/status.d/.wh.a", 'f', "", 0 },
	};
	const struct tent l3[] = {	/* status.d/ emptied, then c added; /usr/lib gone */
		{ "var/lib/dpkg/status.d/", 'd', NULL, 0 },
		{ "var/lib/dpkg/status.d/.wh..wh..opq", 'f', "", 0 },
		{ "var/lib/dpkg/status.d/c", 'f', "Package: c\nVersion: 2\n", 0 },
		{ "usr/.wh.lib", 'f', "", 0 },
	};
	const struct layer layers[] = {
		{ l1, 6, 0, "one" }, { l2, 2, 0, "two" }, { l3, 4, 1, "three" },
	};
	struct dopts o = { 1, 0, 0, 0 };
	char cfg[72];
	struct ctx c;
	struct image *img = NULL;
	struct osinfo os;
	struct pkglist l = { 0 };
	size_t first;

	ctx_init(&c);
	docker_archive("img.tar", layers, 2, &o, cfg);
	ASSERT_OK(&c, image_open(&c, "img.tar", want_all, &img));
	ASSERT(image_file(img, "var/lib/dpkg/status") == NULL);
	ASSERT_INT_EQ(image_dir(img, "var/lib/dpkg/status.d/", &first), 2);
	ASSERT_STR_EQ(img->files[first].path, "var/lib/dpkg/status.d/b");
	ASSERT_STR_EQ(img->files[first + 1].path, "var/lib/dpkg/status.d/b.md5sums");
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	image_free(img);

	docker_archive("img3.tar", layers, 3, &o, cfg);
	ASSERT_OK(&c, image_open(&c, "img3.tar", want_all, &img));
	ASSERT_INT_EQ(image_dir(img, "var/lib/dpkg/status.d/", &first), 1);
	ASSERT(file_is(img, "var/lib/dpkg/status.d/c", "Package: c\nVersion: 2\n", 2));
	ASSERT(image_file(img, "usr/lib/os-release") == NULL);
	ASSERT(image_file(img, "etc/os-release") == NULL);	/* dangling now */
	ASSERT_OK(&c, image_os(&c, img, &os));
	ASSERT(os.id == NULL);
	ASSERT_OK(&c, pkgdb_read_all(&c, img, &l));
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.v[0].name, "c");
	ASSERT_INT_EQ(l.v[0].layer, 2);
	pkglist_free(&l);
	image_free(img);
	free(pg);
	free(stanza);
}

/* The same image, the whole archive gzip-compressed, a zstd layer. */
DEFINE_TEST(test_image_gzip_outer)
{
	const struct tent l1[] = {
		{ "usr/lib/os-release", 'f', debian12_os_release, 0 },
		{ "etc/os-release", 'l', "../usr/lib/os-release", 0 },
	};
	const struct tent l2[] = {
		{ "var/lib/dpkg/status", 'f', "Package: z\nStatus: install ok installed\n"
		    "Version: 1.0-1\n", 0 },
	};
	const struct layer layers[] = { { l1, 2, 1, "a" }, { l2, 1, 2, "b" } };
	struct dopts o = { 0, 1, 0, 0 };
	char cfg[72], hex[65];
	struct ctx c;
	struct image *img = NULL;
	uint8_t *arch;
	size_t len;

	ctx_init(&c);
	docker_archive("img.tar.gz", layers, 2, &o, cfg);
	arch = test_slurp("img.tar.gz", &len);
	ASSERT(len > 2 && arch[0] == 0x1f && arch[1] == 0x8b);
	sha_hex(arch, len, hex);
	free(arch);
	ASSERT_OK(&c, image_open(&c, "img.tar.gz", want_all, &img));
	ASSERT_STR_EQ(img->archive_sha256, hex);
	ASSERT_STR_EQ(img->config_digest, cfg);
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	ASSERT(image_file(img, "var/lib/dpkg/status") != NULL);
	ASSERT_INT_EQ(image_file(img, "var/lib/dpkg/status")->layer, 1);
	image_free(img);
}

DEFINE_TEST(test_image_wrong_diff_id)
{
	const struct tent l1[] = { { "etc/debian_version", 'f', "12.5\n", 0 } };
	const struct tent l2[] = { { "etc/hostname", 'f', "x\n", 0 } };
	const struct layer layers[] = { { l1, 1, 0, "a" }, { l2, 1, 1, "b" } };
	struct dopts o = { 0, 0, 2, 0 };
	char cfg[72];
	struct ctx c;
	struct image *img = NULL;

	ctx_init(&c);
	docker_archive("img.tar", layers, 2, &o, cfg);
	ASSERT_INT_EQ(image_open(&c, "img.tar", want_all, &img), E_VERIFY);
	ASSERT(img == NULL);
	ASSERT(strncmp(c.err, "img.tar: layer 2/2 (sha256:000000000000)", 40) == 0);
}

DEFINE_TEST(test_image_dotdot)
{
	const struct tent l1[] = {
		{ "etc/debian_version", 'f', "12.5\n", 0 },
		{ "var/../../etc/passwd", 'f', "root\n", 0 },
	};
	const struct layer layers[] = { { l1, 2, 0, "a" } };
	struct dopts o = { 0 };
	char cfg[72];
	struct ctx c;
	struct image *img = NULL;

	ctx_init(&c);
	docker_archive("img.tar", layers, 1, &o, cfg);
	ASSERT_INT_EQ(image_open(&c, "img.tar", want_all, &img), E_FORMAT);
	ASSERT(strstr(c.err, "layer 1/1") != NULL);
	ASSERT(strstr(c.err, "var/../../etc/passwd: path with '..'") != NULL);
}

/* Links whose targets were not kept on the first walk. */
DEFINE_TEST(test_image_links_need_another_walk)
{
	const struct tent l1[] = {
		/* a hard link to a file that came before it in the layer */
		{ "var/lib/dpkg/status-old", 'f', "Package: h\nStatus: install ok installed\n"
		    "Version: 7\n", 0 },
		{ "var/lib/dpkg/status", 'h', "var/lib/dpkg/status-old", 0 },
		/* os-release symlinked somewhere unusual, through a directory symlink */
		{ "opt/real/os-release", 'f', debian12_os_release, 0 },
		{ "opt/link", 'l', "real", 0 },
		{ "etc/os-release", 'l', "../../../opt/link/os-release", 0 },
		/* a distroless status.d that is a symlink to another directory */
		{ "srv/db/p", 'f', "Package: p\nVersion: 3\n", 0 },
		{ "var/lib/dpkg/status.d", 'l', "/srv/db", 0 },
	};
	const struct layer layers[] = { { l1, 7, 1, "a" } };
	struct dopts o = { 0 };
	char cfg[72];
	struct ctx c;
	struct image *img = NULL;
	struct pkglist l = { 0 };
	size_t first;

	ctx_init(&c);
	docker_archive("img.tar", layers, 1, &o, cfg);
	ASSERT_OK(&c, image_open(&c, "img.tar", want_all, &img));
	ASSERT(file_is(img, "var/lib/dpkg/status", "Package: h\nStatus: install ok installed\n"
	    "Version: 7\n", 0));
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	ASSERT(image_file(img, "opt/real/os-release") == NULL);	/* not asked for */
	ASSERT_INT_EQ(image_dir(img, "var/lib/dpkg/status.d/", &first), 1);
	ASSERT_STR_EQ(img->files[first].path, "var/lib/dpkg/status.d/p");
	ASSERT_OK(&c, pkgdb_read_all(&c, img, &l));
	ASSERT_INT_EQ(l.n, 2);
	ASSERT_STR_EQ(l.v[0].name, "h");
	ASSERT_STR_EQ(l.v[1].name, "p");
	pkglist_free(&l);
	image_free(img);
}

DEFINE_TEST(test_image_symlink_loop)
{
	const struct tent l1[] = {
		{ "etc/os-release", 'l', "os-release2", 0 },
		{ "etc/os-release2", 'l', "os-release", 0 },
		{ "usr/lib/os-release", 'l', "../../../../../../usr/lib/os-release", 0 },
		{ "etc/debian_version", 'f', "bookworm/sid\n", 0 },
	};
	const struct layer layers[] = { { l1, 4, 0, "a" } };
	struct dopts o = { 0 };
	char cfg[72];
	struct ctx c;
	struct image *img = NULL;
	struct osinfo os;

	ctx_init(&c);
	docker_archive("img.tar", layers, 1, &o, cfg);
	ASSERT_OK(&c, image_open(&c, "img.tar", want_all, &img));
	ASSERT(image_file(img, "etc/os-release") == NULL);
	ASSERT(image_file(img, "usr/lib/os-release") == NULL);
	ASSERT_OK(&c, image_os(&c, img, &os));	/* falls back to debian_version */
	ASSERT_STR_EQ(os.id, "debian");
	ASSERT(os.version_id == NULL);
	osinfo_free(&os);
	image_free(img);
}

/* An OCI archive: index.json -> manifest -> config, gzip layers by digest. */
static void
oci_archive(const char *path, int corrupt_manifest, char config_digest[72])
{
	const struct tent l1[] = {
		{ "usr/lib/os-release", 'f', debian12_os_release, 0 },
		{ "etc/os-release", 'l', "../usr/lib/os-release", 0 },
		{ "var/lib/dpkg/status", 'f', "Package: o\nStatus: install ok installed\n"
		    "Version: 5\nSource: osrc (4)\n", 0 },
	};
	struct sb u = SB_INIT, z = SB_INIT, cfg = SB_INIT, man = SB_INIT, idx = SB_INIT;
	struct sb name = SB_INIT;
	char diff[65], zhex[65], chex[65], mhex[65];
	struct outer out;

	tar_build(l1, 3, &u);
	sha_hex(u.s, u.len, diff);
	compress(&u, 1, &z);
	sha_hex(z.s, z.len, zhex);
	sb_addf(&cfg, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]},"
	    "\"history\":[{\"created_by\":\"oci\"}]}", diff);
	sha_hex(cfg.s, cfg.len, chex);
	snprintf(config_digest, 72, "sha256:%s", chex);
	sb_addf(&man, "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:%s\"},"
	    "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
	    "\"digest\":\"sha256:%s\"}]}", chex, zhex);
	sha_hex(man.s, man.len, mhex);
	if (corrupt_manifest)
		man.s[man.len - 2] = ' ';
	sb_addf(&idx, "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:%s\","
	    "\"annotations\":{\"org.opencontainers.image.ref.name\":\"localhost/oci:2\"}}]}",
	    mhex);
	outer_open(&out, path, 0);
	outer_add(&out, "oci-layout", "{\"imageLayoutVersion\": \"1.0.0\"}", 30);
	outer_add(&out, "index.json", idx.s, idx.len);
	sb_addf(&name, "blobs/sha256/%s", zhex);
	outer_add(&out, sb_str(&name), z.s, z.len);
	sb_reset(&name);
	sb_addf(&name, "blobs/sha256/%s", chex);
	outer_add(&out, sb_str(&name), cfg.s, cfg.len);
	sb_reset(&name);
	sb_addf(&name, "blobs/sha256/%s", mhex);
	outer_add(&out, sb_str(&name), man.s, man.len);
	outer_close(&out);
	sb_free(&u);
	sb_free(&z);
	sb_free(&cfg);
	sb_free(&man);
	sb_free(&idx);
	sb_free(&name);
}

DEFINE_TEST(test_image_oci)
{
	char cfg[72];
	struct ctx c;
	struct image *img = NULL;
	struct pkglist l = { 0 };

	ctx_init(&c);
	oci_archive("oci.tar", 0, cfg);
	ASSERT_OK(&c, image_open(&c, "oci.tar", want_all, &img));
	ASSERT_STR_EQ(img->config_digest, cfg);
	ASSERT_STR_EQ(img->tags[0], "localhost/oci:2");
	ASSERT_INT_EQ(img->nlayers, 1);
	ASSERT_STR_EQ(img->layers[0].created_by, "oci");
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	ASSERT_OK(&c, pkgdb_read_all(&c, img, &l));
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.v[0].source_name, "osrc");
	ASSERT_STR_EQ(l.v[0].source_version, "4");
	pkglist_free(&l);
	image_free(img);

	oci_archive("bad.tar", 1, cfg);
	ASSERT_INT_EQ(image_open(&c, "bad.tar", want_all, &img), E_VERIFY);
	ASSERT(strstr(c.err, "does not match its digest") != NULL);
}

DEFINE_TEST(test_image_not_images)
{
	const struct tent l1[] = { { "etc/debian_version", 'f', "12.5\n", 0 } };
	const struct layer layers[] = { { l1, 1, 0, "a" } };
	struct dopts o = { 0, 0, 0, 1 };
	char cfg[72];
	struct ctx c;
	struct image *img = NULL;
	struct outer out;
	FILE *f;

	ctx_init(&c);
	ASSERT_INT_EQ(image_open(&c, "missing.tar", want_all, &img), E_IO);
	f = fopen("text.tar", "w");
	fputs("this is not a tar archive\n", f);
	fclose(f);
	ASSERT_INT_EQ(image_open(&c, "text.tar", want_all, &img), E_FORMAT);
	ASSERT(strstr(c.err, "not a tar archive") != NULL);
	outer_open(&out, "plain.tar", 0);
	outer_add(&out, "hello.txt", "hello\n", 6);
	outer_close(&out);
	ASSERT_INT_EQ(image_open(&c, "plain.tar", want_all, &img), E_FORMAT);
	ASSERT(strstr(c.err, "no manifest.json or index.json") != NULL);
	docker_archive("two.tar", layers, 1, &o, cfg);
	ASSERT_INT_EQ(image_open(&c, "two.tar", want_all, &img), E_UNSUPPORTED);
	ASSERT(img == NULL);
}

/* A real `podman save` archive (tests/e2e/make-sample-image.sh) vs its dpkg-query truth. */
DEFINE_TEST(test_image_real_sample)
{
	const char **want = pkgdb_want_paths();
	struct ctx c;
	struct image *img = NULL;
	struct osinfo os;
	struct pkglist l = { 0 };
	struct sb got = SB_INIT;
	char *truth;
	size_t i, len;

	ctx_init(&c);
	truth = (char *)test_slurp(test_data("images/sample-bullseye.packages.tsv"), &len);
	ASSERT_OK(&c, image_open(&c, test_data("images/sample-bullseye.docker.tar"), want, &img));
	free(want);
	ASSERT_OK(&c, image_os(&c, img, &os));
	ASSERT_STR_EQ(os.id, "debian");
	ASSERT_STR_EQ(os.version_id, "11");
	ASSERT_STR_EQ(os.codename, "bullseye");
	osinfo_free(&os);
	ASSERT_OK(&c, pkgdb_read_all(&c, img, &l));
	/* the truth is dpkg-query's "Package source:Package Version source:Version",
	 * sorted as LC_ALL=C sort sorts it: by the whole line */
	for (i = 0; i < l.n; i++)
		sb_addf(&got, "%s\t%s\t%s\t%s\n", l.v[i].name, l.v[i].source_name, l.v[i].version,
		    l.v[i].source_version);
	ASSERT_STR_EQ(sb_str(&got), truth);
	sb_free(&got);
	free(truth);
	pkglist_free(&l);
	image_free(img);
}

DEFINE_TEST(test_image_os_release_parse)
{
	const char *text =
	    "# comment\r\n"
	    "NAME='Ubuntu'\r\n"
	    "VERSION=\"18.04.6 LTS (Bionic Beaver)\"\n"
	    "ID=ubuntu\n"
	    "PRETTY_NAME=\"Ubuntu \\\"18.04\\\" \\$HOME\"   \n"
	    "VERSION_ID=\"18.04\"\n"
	    "not an assignment\n"
	    "BROKEN=\"unterminated\n";
	struct ctx c;
	struct osinfo os;
	struct sb big = SB_INIT;
	int i;

	ctx_init(&c);
	ASSERT_OK(&c, image_os_parse(&c, (const uint8_t *)text, strlen(text), &os));
	ASSERT_STR_EQ(os.id, "ubuntu");
	ASSERT_STR_EQ(os.version_id, "18.04");
	ASSERT_STR_EQ(os.codename, "bionic");	/* from VERSION */
	ASSERT_STR_EQ(os.pretty_name, "Ubuntu \"18.04\" $HOME");
	osinfo_free(&os);
	/* Debian sid: no VERSION_ID, codename given */
	text = "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\n"
	    "VERSION_CODENAME=trixie\nID=debian\n";
	ASSERT_OK(&c, image_os_parse(&c, (const uint8_t *)text, strlen(text), &os));
	ASSERT_STR_EQ(os.id, "debian");
	ASSERT(os.version_id == NULL);
	ASSERT_STR_EQ(os.codename, "trixie");
	osinfo_free(&os);
	/* Debian 9 has no VERSION_CODENAME */
	text = "VERSION=\"9 (stretch)\"\nID=debian\nVERSION_ID=\"9\"\n";
	ASSERT_OK(&c, image_os_parse(&c, (const uint8_t *)text, strlen(text), &os));
	ASSERT_STR_EQ(os.codename, "stretch");
	osinfo_free(&os);
	for (i = 0; i < 5000; i++)
		sb_addc(&big, 'A');
	ASSERT_INT_EQ(image_os_parse(&c, (const uint8_t *)big.s, big.len, &os), E_LIMIT);
	ASSERT(os.id == NULL);
	sb_free(&big);
}

/*
 * Deterministic truncations and bit flips of a small archive (uncompressed and
 * gzip layers): image_open returns 0 or one of the input errors, never crashes,
 * and hands over an image only on success.
 */
DEFINE_TEST(test_image_garbage)
{
	char *pg = slurp_str("dpkg/debian-10-postgresql-excerpt/status");
	const struct tent l1[] = {
		{ "usr/lib/os-release", 'f', debian12_os_release, 0 },
		{ "etc/os-release", 'l', "../usr/lib/os-release", 0 },
		{ "var/lib/dpkg/status", 'f', pg, 0 },
	};
	const struct tent l2[] = {
		{ "var/lib/dpkg/.wh.status", 'f', "", 0 },
		{ "var/lib/dpkg/status.d/x", 'f', "Package: x\nVersion: 1\n", 0 },
	};
	const struct layer layers[] = { { l1, 3, 0, "a" }, { l2, 2, 1, "b" } };
	struct dopts o = { 0 };
	char cfg[72];
	struct ctx c;
	struct image *img;
	uint8_t *orig, *buf;
	size_t len, i, cut;
	unsigned int seed = 4242;
	int r, k, ok = 0, bad = 0;
	FILE *f;

	ctx_init(&c);
	docker_archive("img.tar", layers, 2, &o, cfg);
	orig = test_slurp("img.tar", &len);
	buf = malloc(len);
	for (i = 0; i < 300; i++) {
		memcpy(buf, orig, len);
		cut = len;
		if (i % 3 == 0)
			cut = (size_t)(rand_r(&seed) % (unsigned int)len);
		else
			for (k = 0; k < 1 + (int)(i % 5); k++)
				buf[rand_r(&seed) % len] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
		f = fopen("fuzz.tar", "wb");
		fwrite(buf, 1, cut, f);
		fclose(f);
		img = NULL;
		r = image_open(&c, "fuzz.tar", want_all, &img);
		ASSERT(r == 0 || r == E_FORMAT || r == E_VERIFY || r == E_LIMIT ||
		    r == E_UNSUPPORTED);
		ASSERT((r == 0) == (img != NULL));
		if (r == 0)
			ok++;
		else {
			ASSERT(strncmp(c.err, "fuzz.tar: ", 10) == 0);
			bad++;
		}
		image_free(img);
	}
	ASSERT(ok > 0 && bad > 0);
	free(buf);
	free(orig);
	free(pg);
}

/* A hand-made manifest: n references to one layer, and a stray broken blob. */
static void
many_layers_archive(const char *path, size_t n, int reference_junk)
{
	const struct tent l1[] = { { "etc/debian_version", 'f', "12.5\n", 0 } };
	struct sb u = SB_INIT, cfg = SB_INIT, man = SB_INIT, junk = SB_INIT;
	char hex[65], chex[65];
	struct outer out;
	size_t i;

	tar_build(l1, 1, &u);
	sha_hex(u.s, u.len, hex);
	sb_adds(&cfg, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
	for (i = 0; i < n; i++)
		sb_addf(&cfg, "%s\"sha256:%s\"", i ? "," : "", hex);
	sb_adds(&cfg, "]}}");
	sha_hex(cfg.s, cfg.len, chex);
	sb_addf(&man, "[{\"Config\":\"%s.json\",\"Layers\":[", chex);
	for (i = 0; i < n; i++)
		sb_addf(&man, "%s\"%s\"", i ? "," : "", reference_junk && i == n - 1 ?
		    "junk.tar" : "layer.tar");
	sb_adds(&man, "]}]");
	/* a tar cut inside its only entry's data */
	sb_add(&junk, u.s, 700);
	outer_open(&out, path, 0);
	outer_add(&out, "junk.tar", junk.s, junk.len);
	outer_add(&out, "layer.tar", u.s, u.len);
	sb_reset(&junk);
	sb_addf(&junk, "%s.json", chex);
	outer_add(&out, sb_str(&junk), cfg.s, cfg.len);
	outer_add(&out, "manifest.json", man.s, man.len);
	outer_close(&out);
	sb_free(&u);
	sb_free(&cfg);
	sb_free(&man);
	sb_free(&junk);
}

DEFINE_TEST(test_image_limits_and_junk)
{
	struct ctx c;
	struct image *img = NULL;

	ctx_init(&c);
	many_layers_archive("ok.tar", 256, 0);	/* the junk is not referenced */
	ASSERT_OK(&c, image_open(&c, "ok.tar", want_all, &img));
	ASSERT_INT_EQ(img->nlayers, 256);
	ASSERT(file_is(img, "etc/debian_version", "12.5\n", 255));
	ASSERT(img->tags != NULL && img->tags[0] == NULL);
	image_free(img);
	img = NULL;
	many_layers_archive("many.tar", 257, 0);
	ASSERT_INT_EQ(image_open(&c, "many.tar", want_all, &img), E_LIMIT);
	ASSERT(strstr(c.err, "IMAGE_MAX_LAYERS") != NULL);
	many_layers_archive("junk.tar", 3, 1);
	ASSERT_INT_EQ(image_open(&c, "junk.tar", want_all, &img), E_FORMAT);
	ASSERT(strncmp(c.err, "junk.tar: layer 3/3 (sha256:", 28) == 0);
	ASSERT(img == NULL);
}
