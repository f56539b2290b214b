#ifndef REP_AZ_SHAPES_H
#define REP_AZ_SHAPES_H

/* The 15 Arizona counties as SVG paths in the viewBox below, from the US
 * Census cartographic boundary file (public domain); source and licence in
 * analysis/data/README.md. Generated into the build from
 * analysis/data/az_counties.tsv. */

#define REP_AZ_VIEW_W 400
#define REP_AZ_VIEW_H 460

struct rep_county_shape {
    const char *fips;      /* "04013" */
    const char *name;      /* "Maricopa" */
    double label_x, label_y;
    const char *path;      /* absolute M/L/Z commands */
};

extern const struct rep_county_shape rep_az_shapes[];
extern const unsigned rep_az_shapes_n;

#endif
