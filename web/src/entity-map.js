// Entity pages (`/id/<slug>`): the server writes the map's figure with the coordinates in text; this draws it.
import { drawPageMaps } from "./map.js";

drawPageMaps();
