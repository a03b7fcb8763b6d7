#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* One layer entry: 'f' file, 'd' directory, 'l' symlink, 'h' hard link, 'c' a
 * character device. */
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
		case 'c':
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_perm(e, 0666);
			archive_entry_set_rdev(e, (dev_t)0x0105);	/* 1,5: /dev/zero */
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
	int bad_config_name;	/* the config's file name is not its digest */
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
	if (o->bad_config_name)
		hex[0] = hex[0] == '0' ? '1' : '0';
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
	ASSERT_INT_EQ(img->digests_verified, 1);
	ASSERT_INT_EQ(img->passes, 1);
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
	struct dopts o = { 1, 0, 0, 0, 0 };
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
	struct dopts o = { 0, 1, 0, 0, 0 };
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
	struct dopts o = { 0, 0, 2, 0, 0 };
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
	/* every target came before its link in the layer: it is read again, and
	 * once more for the link found at opt/link on the second read */
	ASSERT_INT_EQ(img->passes, 3);
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
	struct dopts o = { 0, 0, 0, 1, 0 };
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
	ASSERT_INT_EQ(image_open(&c, "two.tar", want_all, &img), E_USAGE);
	ASSERT(strstr(c.err, "2 images in the archive; choose one with --image: "
	    "localhost/test:1 (sha256:") != NULL);
	ASSERT(strstr(c.err, "untagged (sha256:") != NULL);
	ASSERT(img == NULL);
	o.two_images = 0;
	o.bad_config_name = 1;
	docker_archive("badcfg.tar", layers, 1, &o, cfg);
	ASSERT_INT_EQ(image_open(&c, "badcfg.tar", want_all, &img), E_VERIFY);
	ASSERT(strstr(c.err, "not the digest its name states") != NULL);
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

/* ---- reading modes, inputs, selection -------------------------------------- */

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		abort();
	if (len > 0 && fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
}

/* Bytes this process has read so far (/proc/self/io rchar). */
static unsigned long long
rchar(void)
{
	char line[128];
	unsigned long long n = 0;
	FILE *f = fopen("/proc/self/io", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "rchar: %llu", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Peak RSS (VmHWM, KiB) since the last hwm_reset(). AddressSanitizer's shadow
 * memory and quarantine make it meaningless: no memory bound is checked then. */
#ifdef __SANITIZE_ADDRESS__
#define RSS_CHECKED 0
#else
#define RSS_CHECKED 1
#endif

/* Returns 0 when the kernel does not let us reset it (no bound checked then). */
static int
hwm_reset(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int ok;

	if (f == NULL)
		return 0;
	ok = fputs("5", f) >= 0;	/* 5: reset the peak RSS */
	return fclose(f) == 0 && ok && RSS_CHECKED;
}

static long
hwm_kib(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * Several images in one docker-archive: A (localhost/a:1, x/common:latest) and
 * B (docker.io/library/b:2, y/common:latest), each one layer.
 */
static void
docker_two_images(const char *path, char cfg_a[65], char cfg_b[65])
{
	const struct tent la[] = { { "etc/debian_version", 'f', "11.1\n", 0 } };
	const struct tent lb[] = { { "etc/debian_version", 'f', "12.5\n", 0 } };
	struct sb ua = SB_INIT, ub = SB_INIT, ca = SB_INIT, cb = SB_INIT, man = SB_INIT;
	struct sb name = SB_INIT;
	char ha[65], hb[65];
	struct outer out;

	tar_build(la, 1, &ua);
	tar_build(lb, 1, &ub);
	sha_hex(ua.s, ua.len, ha);
	sha_hex(ub.s, ub.len, hb);
	sb_addf(&ca, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]},"
	    "\"history\":[{\"created_by\":\"a\"}]}", ha);
	sb_addf(&cb, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]},"
	    "\"history\":[{\"created_by\":\"b\"}]}", hb);
	sha_hex(ca.s, ca.len, cfg_a);
	sha_hex(cb.s, cb.len, cfg_b);
	sb_addf(&man, "[{\"Config\":\"%s.json\",\"RepoTags\":[\"localhost/a:1\","
	    "\"x/common:latest\"],\"Layers\":[\"%s.tar\"]},"
	    "{\"Config\":\"%s.json\",\"RepoTags\":[\"docker.io/library/b:2\","
	    "\"y/common:latest\"],\"Layers\":[\"%s.tar\"]}]", cfg_a, ha, cfg_b, hb);
	outer_open(&out, path, 0);
	sb_addf(&name, "%s.tar", ha);
	outer_add(&out, sb_str(&name), ua.s, ua.len);
	sb_reset(&name);
	sb_addf(&name, "%s.tar", hb);
	outer_add(&out, sb_str(&name), ub.s, ub.len);
	sb_reset(&name);
	sb_addf(&name, "%s.json", cfg_a);
	outer_add(&out, sb_str(&name), ca.s, ca.len);
	sb_reset(&name);
	sb_addf(&name, "%s.json", cfg_b);
	outer_add(&out, sb_str(&name), cb.s, cb.len);
	outer_add(&out, "manifest.json", man.s, man.len);
	outer_close(&out);
	sb_free(&ua);
	sb_free(&ub);
	sb_free(&ca);
	sb_free(&cb);
	sb_free(&man);
	sb_free(&name);
}

static int
opens_as(struct ctx *c, const char *path, const char *ref, const char *debian_version)
{
	struct image_opts o = { ref, 0 };
	struct image *img = NULL;
	int ok;

	if (image_open_opts(c, path, want_all, &o, &img) != 0)
		return 0;
	ok = file_is(img, "etc/debian_version", debian_version, 0);
	image_free(img);
	return ok;
}

DEFINE_TEST(test_image_select_docker)
{
	struct image_opts o = { NULL, 0 };
	struct image *img = NULL;
	char cfg_a[65], cfg_b[65], ref[80];
	struct ctx c;

	ctx_init(&c);
	docker_two_images("two.tar", cfg_a, cfg_b);
	ASSERT_INT_EQ(image_open_opts(&c, "two.tar", want_all, &o, &img), E_USAGE);
	ASSERT(strstr(c.err, "2 images in the archive; choose one with --image") != NULL);
	ASSERT(strstr(c.err, "localhost/a:1 (sha256:") != NULL);
	ASSERT(strstr(c.err, "docker.io/library/b:2 (sha256:") != NULL);
	/* by tag, with or without the registry part; by name; by digest prefix */
	ASSERT(opens_as(&c, "two.tar", "localhost/a:1", "11.1\n"));
	ASSERT(opens_as(&c, "two.tar", "b:2", "12.5\n"));
	ASSERT(opens_as(&c, "two.tar", "library/b:2", "12.5\n"));
	ASSERT(opens_as(&c, "two.tar", "localhost/a", "11.1\n"));
	ASSERT(opens_as(&c, "two.tar", "x/common", "11.1\n"));
	snprintf(ref, sizeof(ref), "%.8s", cfg_b);
	ASSERT(opens_as(&c, "two.tar", ref, "12.5\n"));
	snprintf(ref, sizeof(ref), "sha256:%.12s", cfg_a);
	ASSERT(opens_as(&c, "two.tar", ref, "11.1\n"));
	o.ref = "b:2";
	ASSERT_OK(&c, image_open_opts(&c, "two.tar", want_all, &o, &img));
	ASSERT_STR_EQ(img->tags[0], "docker.io/library/b:2");
	ASSERT_STR_EQ(img->tags[1], "y/common:latest");
	ASSERT(img->tags[2] == NULL);
	ASSERT_STR_EQ(img->layers[0].created_by, "b");
	image_free(img);
	img = NULL;
	o.ref = "common:latest";
	ASSERT_INT_EQ(image_open_opts(&c, "two.tar", want_all, &o, &img), E_USAGE);
	ASSERT(strstr(c.err, "'common:latest' matches 2 images") != NULL);
	o.ref = "a:2";
	ASSERT_INT_EQ(image_open_opts(&c, "two.tar", want_all, &o, &img), E_NOTFOUND);
	ASSERT(strstr(c.err, "no image matches 'a:2'; the archive holds: localhost/a:1") != NULL);
	o.ref = "sha256:1";	/* too short for a digest, and not a name */
	ASSERT_INT_EQ(image_open_opts(&c, "two.tar", want_all, &o, &img), E_NOTFOUND);
	ASSERT(img == NULL);
}

/* Options of an OCI image built by oci_build(). */
struct ociopts {
	int as_dir;		/* an OCI layout directory, not an archive */
	int reverse;		/* layer blobs in the archive from the last to the first */
	int second;		/* a second image in the index (ref name "other:3") */
	int gzip;		/* gzip layers */
};

struct oci_out {
	char cfg[72];		/* config digest of the (first) image */
	char man[72];		/* its manifest's digest */
	char cfg2[72];
};

static void
oci_put(struct outer *out, const struct ociopts *o, const char *name, const void *data,
    size_t len)
{
	struct sb p = SB_INIT;

	if (!o->as_dir) {
		outer_add(out, name, data, len);
		return;
	}
	sb_addf(&p, "%s", name);
	write_file(sb_str(&p), data, len);
	sb_free(&p);
}

/* An OCI image layout (archive or directory) of the layers, in order. */
static void
oci_build(const char *path, const struct layer *layers, size_t nl, const struct ociopts *o,
    struct oci_out *res)
{
	struct sb cfg = SB_INIT, cfg2 = SB_INIT, man = SB_INIT, man2 = SB_INIT, idx = SB_INIT;
	struct sb name = SB_INIT, *blobs = calloc(nl, sizeof(*blobs)), ldesc = SB_INIT;
	char (*bhex)[65] = calloc(nl, sizeof(*bhex)), diff[65], chex[65], c2hex[65], mhex[65];
	char m2hex[65];
	struct outer out;
	size_t i, k;

	sb_adds(&cfg, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
	for (i = 0; i < nl; i++) {
		struct sb u = SB_INIT;

		tar_build(layers[i].ents, layers[i].n, &u);
		sha_hex(u.s, u.len, diff);
		if (o->gzip)
			compress(&u, 1, &blobs[i]);
		else
			sb_add(&blobs[i], u.s, u.len);
		sha_hex(blobs[i].s, blobs[i].len, bhex[i]);
		sb_addf(&cfg, "%s\"sha256:%s\"", i ? "," : "", diff);
		sb_addf(&ldesc, "%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar%s\","
		    "\"digest\":\"sha256:%s\",\"size\":%zu}", i ? "," : "", o->gzip ? "+gzip" : "",
		    bhex[i], blobs[i].len);
		sb_free(&u);
	}
	sb_adds(&cfg, "]},\"history\":[");
	sb_add(&cfg2, cfg.s, cfg.len);
	for (i = 0; i < nl; i++) {
		sb_addf(&cfg, "%s{\"created_by\":\"%s\"}", i ? "," : "", layers[i].created_by);
		sb_addf(&cfg2, "%s{\"created_by\":\"other %zu\"}", i ? "," : "", i);
	}
	sb_adds(&cfg, "]}");
	sb_adds(&cfg2, "]}");
	sha_hex(cfg.s, cfg.len, chex);
	sha_hex(cfg2.s, cfg2.len, c2hex);
	snprintf(res->cfg, sizeof(res->cfg), "sha256:%s", chex);
	snprintf(res->cfg2, sizeof(res->cfg2), "sha256:%s", c2hex);
	sb_addf(&man, "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:%s\"},"
	    "\"layers\":[%s]}", chex, sb_str(&ldesc));
	sb_addf(&man2, "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:%s\"},"
	    "\"layers\":[%s]}", c2hex, sb_str(&ldesc));
	sha_hex(man.s, man.len, mhex);
	sha_hex(man2.s, man2.len, m2hex);
	snprintf(res->man, sizeof(res->man), "sha256:%s", mhex);
	sb_addf(&idx, "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:%s\","
	    "\"annotations\":{\"org.opencontainers.image.ref.name\":\"localhost/oci:2\"},"
	    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}", mhex);
	if (o->second)
		sb_addf(&idx, ",{\"digest\":\"sha256:%s\",\"annotations\":"
		    "{\"org.opencontainers.image.ref.name\":\"other:3\"}}", m2hex);
	sb_adds(&idx, "]}");
	if (o->as_dir) {
		mkdir(path, 0755);
		if (chdir(path) != 0)
			abort();
		mkdir("blobs", 0755);
		mkdir("blobs/sha256", 0755);
	} else
		outer_open(&out, path, 0);
	oci_put(&out, o, "oci-layout", "{\"imageLayoutVersion\": \"1.0.0\"}", 30);
	oci_put(&out, o, "index.json", idx.s, idx.len);
	for (k = 0; k < nl; k++) {
		i = o->reverse ? nl - 1 - k : k;
		sb_reset(&name);
		sb_addf(&name, "blobs/sha256/%s", bhex[i]);
		oci_put(&out, o, sb_str(&name), blobs[i].s, blobs[i].len);
	}
	sb_reset(&name);
	sb_addf(&name, "blobs/sha256/%s", chex);
	oci_put(&out, o, sb_str(&name), cfg.s, cfg.len);
	sb_reset(&name);
	sb_addf(&name, "blobs/sha256/%s", mhex);
	oci_put(&out, o, sb_str(&name), man.s, man.len);
	if (o->second) {
		sb_reset(&name);
		sb_addf(&name, "blobs/sha256/%s", c2hex);
		oci_put(&out, o, sb_str(&name), cfg2.s, cfg2.len);
		sb_reset(&name);
		sb_addf(&name, "blobs/sha256/%s", m2hex);
		oci_put(&out, o, sb_str(&name), man2.s, man2.len);
	}
	if (o->as_dir) {
		if (chdir("..") != 0)
			abort();
	} else
		outer_close(&out);
	for (i = 0; i < nl; i++)
		sb_free(&blobs[i]);
	free(blobs);
	free(bhex);
	sb_free(&cfg);
	sb_free(&cfg2);
	sb_free(&man);
	sb_free(&man2);
	sb_free(&idx);
	sb_free(&name);
	sb_free(&ldesc);
}

static const struct tent oci_l1[] = {
	{ "usr/lib/os-release", 'f', debian12_os_release, 0 },
	{ "etc/os-release", 'l', "../usr/lib/os-release", 0 },
	{ "var/lib/dpkg/status", 'f', "Package: o\nStatus: install ok installed\n"
	    "Version: 5\n", 0 },
};
static const struct tent oci_l2[] = {
	{ "var/lib/dpkg/status", 'f', "Package: o\nStatus: install ok installed\n"
	    "Version: 5\n\nPackage: p\nStatus: install ok installed\nVersion: 6\n", 0 },
};

/* An OCI layout directory, and an OCI archive with two images. */
DEFINE_TEST(test_image_oci_dir_and_index)
{
	const struct layer layers[] = { { oci_l1, 3, 0, "base" }, { oci_l2, 1, 1, "add p" } };
	struct ociopts oo = { 1, 0, 1, 1 };
	struct image_opts io = { "localhost/oci:2", 0 };
	struct oci_out res;
	struct image *img = NULL;
	struct pkglist l = { 0 };
	char ref[80];
	struct ctx c;

	ctx_init(&c);
	oci_build("layout", layers, 2, &oo, &res);
	ASSERT_OK(&c, image_open_opts(&c, "layout", want_all, &io, &img));
	ASSERT(img->archive_sha256 == NULL);	/* no archive */
	ASSERT_INT_EQ(img->digests_verified, 1);
	ASSERT_STR_EQ(img->config_digest, res.cfg);
	ASSERT_STR_EQ(img->tags[0], "localhost/oci:2");
	ASSERT(img->tags[1] == NULL);	/* the platform is no tag */
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	ASSERT_OK(&c, pkgdb_read_all(&c, img, &l));
	ASSERT_INT_EQ(l.n, 2);
	pkglist_free(&l);
	image_free(img);
	img = NULL;
	/* the other image, by its ref name, and by its manifest's digest */
	io.ref = "other:3";
	ASSERT_OK(&c, image_open_opts(&c, "layout", want_all, &io, &img));
	ASSERT_STR_EQ(img->config_digest, res.cfg2);
	ASSERT_STR_EQ(img->layers[1].created_by, "other 1");
	image_free(img);
	img = NULL;
	snprintf(ref, sizeof(ref), "%.10s", res.man + 7);
	io.ref = ref;
	ASSERT_OK(&c, image_open_opts(&c, "layout", want_all, &io, &img));
	ASSERT_STR_EQ(img->config_digest, res.cfg);
	image_free(img);
	img = NULL;
	io.ref = "linux/amd64";	/* by platform */
	ASSERT_OK(&c, image_open_opts(&c, "layout", want_all, &io, &img));
	ASSERT_STR_EQ(img->config_digest, res.cfg);
	image_free(img);
	img = NULL;
	ASSERT_INT_EQ(image_open(&c, "layout", want_all, &img), E_USAGE);
	ASSERT(strstr(c.err, "localhost/oci:2 (sha256:") != NULL);
	ASSERT(strstr(c.err, "other:3 (sha256:") != NULL);
	/* fast: the same files, no digests */
	io.ref = "localhost/oci:2";
	io.fast = 1;
	ASSERT_OK(&c, image_open_opts(&c, "layout", want_all, &io, &img));
	ASSERT_INT_EQ(img->digests_verified, 0);
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	image_free(img);
	img = NULL;
	/* a blob that is a symlink is not followed out of the layout */
	ASSERT(unlink("layout/index.json") == 0);
	ASSERT(symlink("/etc/hostname", "layout/index.json") == 0);
	ASSERT_INT_EQ(image_open(&c, "layout", want_all, &img), E_FORMAT);
	ASSERT(strstr(c.err, "no manifest.json or index.json: not an image layout") != NULL);
	/* the same image as an archive, from standard input through a pipe below */
	oo.as_dir = 0;
	oci_build("oci.tar", layers, 2, &oo, &res);
	io.ref = "other:3";
	io.fast = 0;
	ASSERT_OK(&c, image_open_opts(&c, "oci.tar", want_all, &io, &img));
	ASSERT_STR_EQ(img->config_digest, res.cfg2);
	ASSERT(img->archive_sha256 != NULL);
	image_free(img);
}

/* Runs image_open_opts on "-" with file as standard input: a regular file, or
 * (pipe) a pipe fed by a child process. */
static int
open_stdin(struct ctx *c, const char *file, int pipe_it, const char *const *want,
    const struct image_opts *o, struct image **img)
{
	int saved = dup(STDIN_FILENO), fd, p[2], r;
	pid_t pid = -1;

	if (!pipe_it) {
		fd = open(file, O_RDONLY);
		dup2(fd, STDIN_FILENO);
		close(fd);
	} else {
		if (pipe(p) != 0)
			abort();
		if ((pid = fork()) == 0) {
			uint8_t buf[4096];
			ssize_t n;

			close(p[0]);
			signal(SIGPIPE, SIG_DFL);
			fd = open(file, O_RDONLY);
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				if (write(p[1], buf, (size_t)n) != n)
					_exit(1);
			_exit(0);
		}
		close(p[1]);
		dup2(p[0], STDIN_FILENO);
		close(p[0]);
	}
	r = image_open_opts(c, "-", want, o, img);
	dup2(saved, STDIN_FILENO);
	close(saved);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return r;
}

DEFINE_TEST(test_image_stdin)
{
	const struct tent l1[] = {
		{ "var/lib/dpkg/status-old", 'f', "Package: h\nStatus: install ok installed\n"
		    "Version: 7\n", 0 },
		{ "var/lib/dpkg/status", 'h', "var/lib/dpkg/status-old", 0 },
	};
	const struct layer layers[] = { { oci_l1, 3, 0, "base" }, { oci_l2, 1, 1, "add p" } };
	const struct layer hard[] = { { l1, 2, 0, "a" } };
	struct ociopts oo = { 0, 1, 0, 1 };
	struct image_opts io = { NULL, 0 };
	struct dopts d = { 0 };
	struct oci_out res;
	struct image *img = NULL;
	char cfg[72], hex[65];
	uint8_t *arch;
	size_t len;
	struct ctx c;

	ctx_init(&c);
	oci_build("oci.tar", layers, 2, &oo, &res);
	arch = test_slurp("oci.tar", &len);
	sha_hex(arch, len, hex);
	free(arch);
	ASSERT_OK(&c, open_stdin(&c, "oci.tar", 0, want_all, &io, &img));
	ASSERT_STR_EQ(img->archive_sha256, hex);
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	image_free(img);
	img = NULL;
	ASSERT_OK(&c, open_stdin(&c, "oci.tar", 1, want_all, &io, &img));
	ASSERT_STR_EQ(img->archive_sha256, hex);
	ASSERT_INT_EQ(image_file(img, "var/lib/dpkg/status")->layer, 1);
	image_free(img);
	img = NULL;
	io.fast = 1;	/* a pipe cannot seek: streamed, nothing hashed */
	ASSERT_OK(&c, open_stdin(&c, "oci.tar", 1, want_all, &io, &img));
	ASSERT(img->archive_sha256 == NULL);
	ASSERT_INT_EQ(image_file(img, "var/lib/dpkg/status")->layer, 1);
	image_free(img);
	img = NULL;
	/* a hard link to a file not kept needs a second read: not from a pipe */
	docker_archive("hard.tar", hard, 1, &d, cfg);
	io.fast = 0;
	ASSERT_INT_EQ(open_stdin(&c, "hard.tar", 1, want_all, &io, &img), E_UNSUPPORTED);
	ASSERT(strstr(c.err, "-: links lead to files of a layer already read, and standard "
	    "input cannot be read again") != NULL);
	ASSERT_OK(&c, open_stdin(&c, "hard.tar", 0, want_all, &io, &img));
	ASSERT_INT_EQ(img->passes, 2);
	ASSERT(image_file(img, "var/lib/dpkg/status") != NULL);
	image_free(img);
}

/*
 * --fast on a seekable uncompressed archive reads the tar headers and the
 * wanted files, not the data of other files; the default reads (and hashes)
 * every byte. A wrong diff_id goes unnoticed in fast mode only.
 */
DEFINE_TEST(test_image_fast_skips_data)
{
	struct tent l1[] = {
		{ "usr/lib/os-release", 'f', debian12_os_release, 0 },
		{ "etc/os-release", 'l', "../usr/lib/os-release", 0 },
		{ "usr/lib/big.so", 'f', NULL, 0 },
		{ "var/lib/dpkg/status", 'f', "Package: o\nStatus: install ok installed\n"
		    "Version: 5\n", 0 },
		{ "usr/share/big.dat", 'f', NULL, 0 },
	};
	const struct layer layers[] = { { l1, 5, 0, "a" } };
	struct image_opts io = { NULL, 1 };
	struct dopts d = { 0, 0, 1, 0, 0 };
	struct image *img = NULL;
	unsigned long long r0, fast, slow;
	char cfg[72], *big;
	size_t i, n = 4 << 20;
	unsigned int seed = 7;
	struct ctx c;

	ctx_init(&c);
	big = malloc(n);
	for (i = 0; i < n; i++)
		big[i] = (char)rand_r(&seed);
	l1[2].data = l1[4].data = big;
	l1[2].len = l1[4].len = n;
	docker_archive("img.tar", layers, 1, &d, cfg);	/* its diff_id is wrong */
	r0 = rchar();
	ASSERT_OK(&c, image_open_opts(&c, "img.tar", want_all, &io, &img));
	fast = rchar() - r0;
	ASSERT_INT_EQ(img->digests_verified, 0);
	ASSERT(img->archive_sha256 == NULL);
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	ASSERT(image_file(img, "var/lib/dpkg/status") != NULL);
	image_free(img);
	img = NULL;
	r0 = rchar();
	ASSERT_INT_EQ(image_open(&c, "img.tar", want_all, &img), E_VERIFY);
	slow = rchar() - r0;
	ASSERT(slow >= 2 * n);
	ASSERT(fast < 128 * 1024);
	free(big);
}

/* Layer summaries: a link's target is read in the same pass when no layer read
 * before it may hold it; a layer that may is read again. */
DEFINE_TEST(test_image_one_read)
{
	static const char *const want_apk[] = { "lib/apk/db/installed", "etc/os-release",
		"usr/lib/os-release", NULL };
	const struct tent base[] = {	/* merged /usr: lib -> usr/lib, then its files */
		{ "etc/os-release", 'l', "../usr/lib/os-release", 0 },
		{ "lib", 'l', "usr/lib", 0 },
		{ "usr/", 'd', NULL, 0 },
		{ "usr/lib/", 'd', NULL, 0 },
		{ "usr/lib/apk/db/installed", 'f', "P:musl\nV:1.2.4-r2\nA:x86_64\n", 0 },
		{ "usr/lib/os-release", 'f', debian12_os_release, 0 },
	};
	const struct tent other[] = {	/* read first in the archive: unrelated files */
		{ "usr/", 'd', NULL, 0 },
		{ "usr/lib/", 'd', NULL, 0 },
		{ "usr/lib/libz.so.1", 'f', "\x7f" "ELF", 0 },
	};
	const struct tent upd[] = {	/* read first: it replaces the database */
		{ "usr/lib/apk/db/installed", 'f', "P:musl\nV:1.2.5-r0\nA:x86_64\n", 0 },
	};
	const struct layer l2[] = { { base, 6, 0, "base" }, { other, 3, 0, "other" } };
	const struct layer l3[] = { { base, 6, 0, "base" }, { upd, 1, 0, "upgrade" } };
	struct ociopts oo = { 0, 1, 0, 0 };	/* blobs in reverse: the upper layer first */
	struct oci_out res;
	struct image *img = NULL;
	const struct image_file *f;
	struct ctx c;

	ctx_init(&c);
	oci_build("a.tar", l2, 2, &oo, &res);
	ASSERT_OK(&c, image_open(&c, "a.tar", want_apk, &img));
	ASSERT_INT_EQ(img->passes, 1);
	ASSERT((f = image_file(img, "lib/apk/db/installed")) != NULL);
	ASSERT_INT_EQ(f->layer, 0);
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	image_free(img);
	img = NULL;
	oci_build("b.tar", l3, 2, &oo, &res);
	ASSERT_OK(&c, image_open(&c, "b.tar", want_apk, &img));
	ASSERT_INT_EQ(img->passes, 2);
	ASSERT(file_is(img, "lib/apk/db/installed", "P:musl\nV:1.2.5-r0\nA:x86_64\n", 1));
	/* the view of layer 0 has the first version */
	ASSERT(image_layer_view(img, 1) == img);
	ASSERT((f = image_file(image_layer_view(img, 0), "lib/apk/db/installed")) != NULL);
	ASSERT_INT_EQ(f->layer, 0);
	ASSERT(f->len == 27 && memcmp(f->data, "P:musl\nV:1.2.4-r2\nA:x86_64\n", 27) == 0);
	ASSERT(image_layer_view(img, 2) == NULL);
	image_free(img);
}

/* The layer views of a real two-layer image: libsope1 came with layer 1. */
DEFINE_TEST(test_image_views_real_sample)
{
	const char **want = pkgdb_want_paths();
	struct ctx c;
	struct image *img = NULL;
	const struct image *v0;
	struct pkglist l = { 0 };
	size_t i;
	int adduser = 0, sope = 0;

	ctx_init(&c);
	ASSERT_OK(&c, image_open(&c, test_data("images/sample-bullseye.docker.tar"), want, &img));
	free(want);
	ASSERT_INT_EQ(img->nlayers, 2);
	ASSERT_INT_EQ(img->passes, 1);
	ASSERT(image_layer_view(img, 1) == img);
	ASSERT((v0 = image_layer_view(img, 0)) != NULL && v0 != img);
	ASSERT_INT_EQ(image_file(v0, "var/lib/dpkg/status")->layer, 0);
	ASSERT_INT_EQ(image_file(img, "var/lib/dpkg/status")->layer, 1);
	ASSERT_OK(&c, pkgdb_read_all(&c, v0, &l));
	for (i = 0; i < l.n; i++) {
		adduser += strcmp(l.v[i].name, "adduser") == 0;
		sope += strcmp(l.v[i].name, "libsope1") == 0;
	}
	ASSERT_INT_EQ(adduser, 1);
	ASSERT_INT_EQ(sope, 0);
	pkglist_free(&l);
	ASSERT_OK(&c, pkgdb_read_all(&c, img, &l));
	for (i = 0; i < l.n; i++)
		sope += strcmp(l.v[i].name, "libsope1") == 0;
	ASSERT_INT_EQ(sope, 1);
	pkglist_free(&l);
	image_free(img);
}

/*
 * Hostile layer entries: a device at a wanted path is no file; absolute links
 * and links climbing above the root stay inside it; a link out to the host's
 * /proc finds nothing; a hard link with ".." is an error.
 */
DEFINE_TEST(test_image_hostile_entries)
{
	const struct tent l1[] = {
		{ "var/lib/dpkg/status", 'c', NULL, 0 },
		{ "usr/lib/os-release", 'f', debian12_os_release, 0 },
		{ "etc/os-release", 'l', "../../../../../../../usr/lib/os-release", 0 },
		{ "etc/debian_version", 'l', "/proc/self/environ", 0 },
		{ "var/lib/dpkg/status.d", 'l', "../../../../../../../../db", 0 },
		{ "db/x", 'f', "Package: x\nVersion: 1\n", 0 },
	};
	const struct tent l2[] = {
		{ "etc/os-release", 'h', "../../etc/shadow", 0 },
	};
	const struct layer ok[] = { { l1, 6, 0, "a" } };
	const struct layer bad[] = { { l1, 6, 0, "a" }, { l2, 1, 0, "b" } };
	struct dopts d = { 0 };
	struct image *img = NULL;
	size_t first;
	char cfg[72];
	struct ctx c;

	ctx_init(&c);
	docker_archive("ok.tar", ok, 1, &d, cfg);
	ASSERT_OK(&c, image_open(&c, "ok.tar", want_all, &img));
	ASSERT(image_file(img, "var/lib/dpkg/status") == NULL);
	ASSERT(file_is(img, "etc/os-release", debian12_os_release, 0));
	ASSERT(image_file(img, "etc/debian_version") == NULL);
	/* status.d -> ../../../../../../../../db: /db, inside the image */
	ASSERT_INT_EQ(img->passes, 1);
	ASSERT_INT_EQ(image_dir(img, "var/lib/dpkg/status.d/", &first), 1);
	ASSERT_STR_EQ(img->files[first].path, "var/lib/dpkg/status.d/x");
	image_free(img);
	img = NULL;
	docker_archive("bad.tar", bad, 2, &d, cfg);
	ASSERT_INT_EQ(image_open(&c, "bad.tar", want_all, &img), E_FORMAT);
	ASSERT(strstr(c.err, "layer 2/2") != NULL && strstr(c.err, "bad hard link target") != NULL);
}

/* A ustar header of a regular file of size bytes (no data follows it). */
static void
ustar_header(const char *name, unsigned long long size, struct sb *out)
{
	char h[512];
	unsigned int sum = 0;
	size_t i;

	memset(h, 0, sizeof(h));
	snprintf(h, 100, "%s", name);
	snprintf(h + 100, 8, "%07o", 0644);
	snprintf(h + 108, 8, "%07o", 0);
	snprintf(h + 116, 8, "%07o", 0);
	snprintf(h + 124, 12, "%011llo", size);
	snprintf(h + 136, 12, "%011o", 1700000000);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < sizeof(h); i++)
		sum += (uint8_t)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	sb_add(out, h, sizeof(h));
}

/* gzip members concatenated: one holding a small tar (ents), or with ents NULL a
 * tar header of a 4 GiB file, then n of 1 MiB of zeros. */
static void
zero_bomb(const struct tent *ents, size_t nents, size_t n, struct sb *out)
{
	struct sb u = SB_INIT, z = SB_INIT, zz = SB_INIT;
	char *zeros = calloc(1, 1 << 20);
	size_t i;

	if (ents != NULL)
		tar_build(ents, nents, &u);
	else
		ustar_header("var/lib/big", 0xffffffffULL, &u);
	compress(&u, 1, out);
	sb_add(&z, zeros, 1 << 20);
	compress(&z, 1, &zz);
	for (i = 0; i < n; i++)
		sb_add(out, zz.s, zz.len);
	free(zeros);
	sb_free(&u);
	sb_free(&z);
	sb_free(&zz);
}

static void
bomb_archive(const char *path, const struct sb *bomb)
{
	struct sb cfg = SB_INIT, man = SB_INIT, name = SB_INIT;
	struct outer out;
	char chex[65];

	/* the diff_id cannot be known without decompressing: any will do */
	sb_adds(&cfg, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
	    "0000000000000000000000000000000000000000000000000000000000000000\"]}}");
	sha_hex(cfg.s, cfg.len, chex);
	sb_addf(&man, "[{\"Config\":\"%s.json\",\"Layers\":[\"bomb.tar.gz\"]}]", chex);
	outer_open(&out, path, 0);
	outer_add(&out, "bomb.tar.gz", bomb->s, bomb->len);
	sb_addf(&name, "%s.json", chex);
	outer_add(&out, sb_str(&name), cfg.s, cfg.len);
	outer_add(&out, "manifest.json", man.s, man.len);
	outer_close(&out);
	sb_free(&cfg);
	sb_free(&man);
	sb_free(&name);
}

/*
 * gzip layers that decompress to 300 MiB from 300 KiB. The first is a small tar
 * then zeros: its digest would need them all, and IMAGE_MAX_RATIO stops it in
 * bounded memory and time; fast mode stops at the tar's end marker. The second
 * is the header of a 4 GiB file of zeros: even fast mode must get past its
 * data, and the limit stops that too.
 */
DEFINE_TEST(test_image_decompression_bomb)
{
	const struct tent l1[] = { { "etc/debian_version", 'f', "12.5\n", 0 } };
	struct sb bomb = SB_INIT;
	struct image_opts io = { NULL, 1 };
	struct image *img = NULL;
	struct ctx c;
	long hwm;
	int checked;

	ctx_init(&c);
	zero_bomb(l1, 1, 300, &bomb);
	ASSERT(bomb.len < 1024 * 1024);
	bomb_archive("img.tar", &bomb);
	checked = hwm_reset();
	ASSERT_INT_EQ(image_open(&c, "img.tar", want_all, &img), E_LIMIT);
	hwm = hwm_kib();
	ASSERT(strstr(c.err, "layer 1/1") != NULL);
	ASSERT(strstr(c.err, "decompresses more than IMAGE_MAX_RATIO (200) times its size")
	    != NULL);
	ASSERT(hwm > 0 && (!checked || hwm < 64 * 1024));
	ASSERT_OK(&c, image_open_opts(&c, "img.tar", want_all, &io, &img));
	ASSERT(file_is(img, "etc/debian_version", "12.5\n", 0));
	image_free(img);
	img = NULL;
	sb_reset(&bomb);
	zero_bomb(NULL, 0, 300, &bomb);
	bomb_archive("big.tar", &bomb);
	ASSERT_INT_EQ(image_open_opts(&c, "big.tar", want_all, &io, &img), E_LIMIT);
	ASSERT(strstr(c.err, "IMAGE_MAX_RATIO") != NULL);
	ASSERT_INT_EQ(image_open(&c, "big.tar", want_all, &img), E_LIMIT);
	ASSERT(img == NULL);
	sb_free(&bomb);
}

/*
 * A layer of a million entries (zstd, written by libarchive to a file) streams
 * in bounded memory: the peak RSS while reading it stays far below what keeping
 * its paths would take. AIRLOCK_TEST_ENTRIES overrides the count.
 */
DEFINE_TEST(test_image_million_entries)
{
	struct archive *a;
	struct archive_entry *e;
	struct sb cfg = SB_INIT, man = SB_INIT, name = SB_INIT;
	struct image_opts io = { NULL, 1 };
	struct image *img = NULL;
	const char *env = getenv("AIRLOCK_TEST_ENTRIES");
	size_t i, n = env ? (size_t)strtoul(env, NULL, 10) : 1000000, len;
	uint8_t *layer;
	char chex[65], path[64];
	struct outer out;
	struct ctx c;
	long base, hwm;
	int checked;

	ctx_init(&c);
	a = archive_write_new();
	archive_write_set_format_ustar(a);
	archive_write_add_filter_zstd(a);
	archive_write_set_filter_option(a, "zstd", "compression-level", "1");
	ASSERT(archive_write_open_filename(a, "layer.tar.zst") == ARCHIVE_OK);
	e = archive_entry_new();
	for (i = 0; i <= n; i++) {
		archive_entry_clear(e);
		if (i < n)
			snprintf(path, sizeof(path), "usr/share/m/%03zu/%07zu", i / 10000, i);
		else
			snprintf(path, sizeof(path), "etc/debian_version");
		archive_entry_set_pathname(e, path);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, i < n ? 0 : 5);
		archive_write_header(a, e);
		if (i == n)
			archive_write_data(a, "12.5\n", 5);
	}
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	layer = test_slurp("layer.tar.zst", &len);
	sb_adds(&cfg, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
	    "0000000000000000000000000000000000000000000000000000000000000000\"]}}");
	sha_hex(cfg.s, cfg.len, chex);
	sb_addf(&man, "[{\"Config\":\"%s.json\",\"Layers\":[\"layer.tar.zst\"]}]", chex);
	outer_open(&out, "img.tar", 0);
	outer_add(&out, "layer.tar.zst", layer, len);
	sb_addf(&name, "%s.json", chex);
	outer_add(&out, sb_str(&name), cfg.s, cfg.len);
	outer_add(&out, "manifest.json", man.s, man.len);
	outer_close(&out);
	free(layer);
	unlink("layer.tar.zst");
	checked = hwm_reset();
	base = hwm_kib();
	ASSERT_OK(&c, image_open_opts(&c, "img.tar", want_all, &io, &img));
	hwm = hwm_kib();
	ASSERT(file_is(img, "etc/debian_version", "12.5\n", 0));
	image_free(img);
	/* a million paths of 24 bytes would take more than 24 MiB */
	ASSERT(base > 0 && (!checked || hwm - base < 16 * 1024));
	sb_free(&cfg);
	sb_free(&man);
	sb_free(&name);
}

/* ---- OS identification from distribution files ----------------------------- */

/* An image by hand: files (path, content) in path order, one layer. */
static void
os_of(struct ctx *c, const char *const *files, struct osinfo *os, int *r)
{
	struct image img;
	struct image_file f[8];
	size_t i;

	memset(&img, 0, sizeof(img));
	for (i = 0; files[2 * i] != NULL; i++) {
		f[i].path = (char *)files[2 * i];
		f[i].data = (uint8_t *)files[2 * i + 1];
		f[i].len = strlen(files[2 * i + 1]);
		f[i].layer = 0;
	}
	img.files = f;
	img.nfiles = i;
	*r = image_os(c, &img, os);
}

/*
 * The release files as their distributions ship them (centos-release 6.10,
 * system-release of Amazon Linux AMI 2018.03 and of Amazon Linux 2023.3,
 * SuSE-release of SLES 11 SP4, Debian 12.5's debian_version).
 */
DEFINE_TEST(test_image_os_release_files)
{
	static const char *const centos6[] = {
		"etc/centos-release", "CentOS release 6.10 (Final)\n",
		"etc/redhat-release", "CentOS release 6.10 (Final)\n",
		"etc/system-release", "CentOS release 6.10 (Final)\n", NULL,
	};
	static const char *const amzn1[] = {
		"etc/system-release", "Amazon Linux AMI release 2018.03\n", NULL,
	};
	static const char *const al2023[] = {
		"etc/system-release", "Amazon Linux release 2023.3.20240131 (Amazon Linux)\n",
		"usr/lib/os-release", "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\n"
		    "ID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\n"
		    "PRETTY_NAME=\"Amazon Linux 2023.3.20240131\"\n", NULL,
	};
	static const char *const sles11[] = {
		"etc/SuSE-release", "SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\n"
		    "PATCHLEVEL = 4\n", NULL,
	};
	static const char *const deb[] = {
		"etc/debian_version", "12.5\n",
		"etc/os-release", debian12_os_release, NULL,
	};
	static const char *const unknown[] = {
		"etc/hostname", "box\n", NULL,
	};
	struct osinfo os;
	struct ctx c;
	char buf[256];
	unsigned int seed = 99;
	size_t i;
	int r;

	ctx_init(&c);
	os_of(&c, centos6, &os, &r);
	ASSERT_OK(&c, r);
	ASSERT_STR_EQ(os.id, "centos");
	ASSERT_STR_EQ(os.version_id, "6");
	ASSERT_STR_EQ(os.release, "6.10");
	ASSERT_STR_EQ(os.pretty_name, "CentOS release 6.10 (Final)");
	osinfo_free(&os);
	os_of(&c, amzn1, &os, &r);
	ASSERT_STR_EQ(os.id, "amzn");
	ASSERT_STR_EQ(os.version_id, "2018.03");
	ASSERT_STR_EQ(os.release, "2018.03");
	osinfo_free(&os);
	os_of(&c, al2023, &os, &r);
	ASSERT_STR_EQ(os.id, "amzn");
	ASSERT_STR_EQ(os.version_id, "2023");
	ASSERT_STR_EQ(os.release, "2023.3.20240131");
	osinfo_free(&os);
	os_of(&c, sles11, &os, &r);
	ASSERT_STR_EQ(os.id, "sles");
	ASSERT_STR_EQ(os.version_id, "11.4");
	ASSERT_STR_EQ(os.release, "11.4");
	ASSERT_STR_EQ(os.pretty_name, "SUSE Linux Enterprise Server 11 (x86_64)");
	osinfo_free(&os);
	os_of(&c, deb, &os, &r);
	ASSERT_STR_EQ(os.id, "debian");
	ASSERT_STR_EQ(os.version_id, "12");
	ASSERT_STR_EQ(os.release, "12.5");
	osinfo_free(&os);
	os_of(&c, unknown, &os, &r);
	ASSERT_OK(&c, r);
	ASSERT(os.id == NULL && os.version_id == NULL && os.release == NULL);
	osinfo_free(&os);
	/* truncations and bit flips of those files: never a failure, never a crash */
	for (i = 0; i < 2000; i++) {
		const char *const *src = i % 3 == 0 ? centos6 : i % 3 == 1 ? sles11 : al2023;
		const char *files[3] = { src[0], buf, NULL };
		size_t n = strlen(src[1]);

		memcpy(buf, src[1], n + 1);
		if (i % 2 == 0)
			buf[rand_r(&seed) % (n + 1)] = '\0';
		else
			buf[rand_r(&seed) % n] ^= (char)(1u << (rand_r(&seed) % 8));
		os_of(&c, files, &os, &r);
		ASSERT_OK(&c, r);
		osinfo_free(&os);
	}
}

/*
 * Alpine's branch comes from etc/apk/repositories (the file as Alpine's own
 * images ship it: main then community of one branch), before os-release's
 * VERSION_ID; edge says edge; a local or commented repository names none.
 */
DEFINE_TEST(test_image_os_apk_branch)
{
	static const char osrel[] = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.4\n";
	static const char *const cases[][2] = {
		{ "https://dl-cdn.alpinelinux.org/alpine/v3.17/main\n"
		  "https://dl-cdn.alpinelinux.org/alpine/v3.17/community\n", "3.17" },
		{ "# mirror\n\n  http://mirror.example/alpine/v3.19/main\r\n"
		  "@testing https://dl-cdn.alpinelinux.org/alpine/edge/testing\n", "3.19" },
		{ "https://dl-cdn.alpinelinux.org/alpine/edge/main\n", "edge" },
		{ "/var/cache/local-repo\n#https://dl-cdn.alpinelinux.org/alpine/v3.1/main\n", NULL },
		{ "https://x/alpine/v3/main\nhttps://x/alpine/v3.18.2/main\nhttps://x/alpine/vx.1/m\n", NULL },
	};
	struct image img;
	struct image_file files[3];
	struct osinfo os;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	memset(&img, 0, sizeof(img));
	memset(files, 0, sizeof(files));
	/* sorted by directory, then name, as image_open leaves them */
	files[0].path = (char *)"etc/os-release";
	files[0].data = (uint8_t *)osrel;
	files[0].len = strlen(osrel);
	files[1].path = (char *)"etc/apk/repositories";
	img.files = files;
	img.nfiles = 2;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		files[1].data = (uint8_t *)cases[i][0];
		files[1].len = strlen(cases[i][0]);
		ASSERT_OK(&c, image_os(&c, &img, &os));
		ASSERT_STR_EQ(os.version_id, "3.18.4");
		if (cases[i][1] == NULL)
			ASSERT(os.branch == NULL);
		else
			ASSERT_STR_EQ(os.branch, cases[i][1]);
		osinfo_free(&os);
	}
	/* without the file: no branch (the match falls back to VERSION_ID) */
	img.nfiles = 1;
	ASSERT_OK(&c, image_os(&c, &img, &os));
	ASSERT(os.branch == NULL);
	osinfo_free(&os);
	/* not Alpine: the file is not read */
	files[0].data = (uint8_t *)"ID=debian\nVERSION_ID=12\n";
	files[0].len = strlen((const char *)files[0].data);
	img.nfiles = 2;
	ASSERT_OK(&c, image_os(&c, &img, &os));
	ASSERT(os.branch == NULL);
	osinfo_free(&os);
}
