// The artist catalogue's collection jobs, registered as one list: the planner
// (spotify.artist_catalog) and the jobs it fans out to (albums, their tracks) plus single
// and batch track lookups.
import { albumTracksJob } from './album-tracks-job.js';
import { artistAlbumsJob } from './artist-albums-job.js';
import { artistCatalogJob } from './artist-catalog-job.js';
import { tracksJob } from './tracks-job.js';

export const catalogueJobs = [artistAlbumsJob, albumTracksJob, tracksJob, artistCatalogJob];
