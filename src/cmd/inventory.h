/*
 * inventory.h - image tarball to OS and package list, shared by scan and packages.
 *
 * inventory_read: o (may be NULL) selects the image and the read mode (see
 * image_open_opts); each package's layer is the layer that introduced it (the
 * lowest layer from which on every layer's database lists the same name,
 * version and architecture). Ownership: on success the caller owns *img
 * (image_free), *os (osinfo_free) and *pkgs (pkglist_free); on failure nothing
 * is returned.
 */
#ifndef AIRLOCK_INVENTORY_H
#define AIRLOCK_INVENTORY_H

struct ctx;
struct image;
struct image_opts;
struct osinfo;
struct pkglist;

int inventory_read(struct ctx *c, const char *path, const struct image_opts *o,
    struct image **img, struct osinfo *os, struct pkglist *pkgs);

/* Writes text to path atomically, or to stdout when path is NULL or "-". */
int output_write(struct ctx *c, const char *path, const char *text, size_t len);

#endif
