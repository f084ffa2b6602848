// WebGL programs for sigma 3: nodes drawn as shapes (one program for every shape, chosen per node), and edge
// bodies drawn solid, dashed, dotted or struck (a thin line crossed by slashes), chosen per edge.
// Both follow sigma's program API (sigma/rendering: NodeProgram, EdgeProgram); picking (hover and click
// detection) draws the whole shape or the whole edge quad in its id colour, so gaps in dashes stay clickable.

import { EdgeLineProgram, EdgeProgram, NodeProgram, createEdgeCompoundProgram } from "sigma/rendering";
import { floatColor } from "sigma/utils";

const { UNSIGNED_BYTE, FLOAT, TRIANGLES } = WebGLRenderingContext;

const NODE_VERTEX = /* glsl */ `
attribute vec4 a_id;
attribute vec4 a_color;
attribute vec2 a_position;
attribute float a_size;
attribute float a_shape;
attribute float a_angle;

uniform mat3 u_matrix;
uniform float u_sizeRatio;
uniform float u_correctionRatio;

varying vec4 v_color;
varying vec2 v_point;
varying float v_shape;
varying float v_pxRadius;

// One triangle per node (software renderers pay per primitive): an equilateral triangle whose inscribed circle,
// of radius REACH node radii, holds every shape and its outline.
const float REACH = 1.4;
const float bias = 255.0 / 254.0;

void main() {
  float radius = a_size * u_correctionRatio / u_sizeRatio * 2.0;
  vec2 corner = vec2(cos(a_angle), sin(a_angle)) * REACH * 2.0;
  gl_Position = vec4((u_matrix * vec3(a_position + corner * radius, 1.0)).xy, 0.0, 1.0);
  v_point = corner;
  v_shape = a_shape;
  v_pxRadius = max(a_size / u_sizeRatio, 0.5);
  #ifdef PICKING_MODE
  v_color = a_id;
  #else
  v_color = a_color;
  #endif
  v_color.a *= bias;
}
`;

const NODE_FRAGMENT = /* glsl */ `
precision highp float;

varying vec4 v_color;
varying vec2 v_point;
varying float v_shape;
varying float v_pxRadius;

const vec4 transparent = vec4(0.0, 0.0, 0.0, 0.0);
const vec4 outline = vec4(1.0, 1.0, 1.0, 1.0);

// Signed distance (in node radii, negative inside) from a point to the node's shape.
float shapeDistance(vec2 p, float shape) {
  vec2 a = abs(p);
  if (shape < 0.5) return length(p) - 1.0;
  if (shape < 1.5) return max(a.x, a.y) - 0.88;
  if (shape < 2.5) return (a.x + a.y - 1.2) * 0.7071;
  if (shape < 3.5) return max(a.x * 0.866 + p.y * 0.5, -p.y) - 0.62;
  if (shape < 4.5) return max(a.x * 0.866 - p.y * 0.5, p.y) - 0.62;
  if (shape < 5.5) return max(a.x * 0.5 + a.y * 0.866, a.x) - 0.95;
  if (shape < 6.5) return abs(length(p) - 0.72) - 0.28;
  return abs(max(a.x, a.y) - 0.66) - 0.22;
}

void main(void) {
  float d = shapeDistance(v_point, v_shape) * v_pxRadius;
  #ifdef PICKING_MODE
  gl_FragColor = d > 0.0 ? transparent : v_color;
  #else
  float border = min(1.4, v_pxRadius * 0.25);
  vec4 fill = mix(v_color, vec4(outline.rgb, v_color.a), smoothstep(-border - 0.6, -border + 0.4, d));
  gl_FragColor = mix(fill, transparent, smoothstep(-0.6, 0.6, d));
  #endif
}
`;

// Above this many nodes, the picking pass is skipped while the camera moves (see NodeShapeProgram#render).
const PICK_WHILE_MOVING_UP_TO = 2000;

// The three corners of a node's triangle, as angles.
const CORNERS = [Math.PI / 2, Math.PI / 2 + (2 * Math.PI) / 3, Math.PI / 2 + (4 * Math.PI) / 3];

/**
 * Nodes as circles, squares, diamonds, triangles, hexagons, rings or frames (attribute `shape`).
 * Not instanced: each node writes its three vertices. SwiftShader (software WebGL) runs an instanced draw one
 * instance at a time, about 40 µs each, so 10,000 instanced nodes took 400 ms per pass; one plain draw of
 * 30,000 vertices takes a few milliseconds. What is drawn is the same.
 */
export class NodeShapeProgram extends NodeProgram {
  getDefinition() {
    return {
      VERTICES: 3,
      VERTEX_SHADER_SOURCE: NODE_VERTEX,
      FRAGMENT_SHADER_SOURCE: NODE_FRAGMENT,
      METHOD: TRIANGLES,
      UNIFORMS: ["u_sizeRatio", "u_correctionRatio", "u_matrix"],
      ATTRIBUTES: [
        { name: "a_position", size: 2, type: FLOAT },
        { name: "a_size", size: 1, type: FLOAT },
        { name: "a_shape", size: 1, type: FLOAT },
        { name: "a_color", size: 4, type: UNSIGNED_BYTE, normalized: true },
        { name: "a_id", size: 4, type: UNSIGNED_BYTE, normalized: true },
        { name: "a_angle", size: 1, type: FLOAT },
      ],
    };
  }

  processVisibleItem(nodeIndex, startIndex, data) {
    const array = this.array;
    const color = floatColor(data.color);
    for (const angle of CORNERS) {
      array[startIndex++] = data.x;
      array[startIndex++] = data.y;
      array[startIndex++] = data.size;
      array[startIndex++] = data.shape || 0;
      array[startIndex++] = color;
      array[startIndex++] = nodeIndex;
      array[startIndex++] = angle;
    }
  }

  setUniforms(params, { gl, uniformLocations }) {
    gl.uniform1f(uniformLocations.u_correctionRatio, params.correctionRatio);
    gl.uniform1f(uniformLocations.u_sizeRatio, params.sizeRatio);
    gl.uniformMatrix3fv(uniformLocations.u_matrix, false, params.matrix);
  }

  render(params) {
    // Nothing is hovered or clicked while the camera moves: thousands of nodes skip the picking pass then (about
    // 40% of a node frame with software WebGL). The frame drawn when the move ends draws it again.
    if (this.pickProgram && this.capacity > PICK_WHILE_MOVING_UP_TO && cameraMoving(this.renderer)) {
      const pick = this.pickProgram;
      this.pickProgram = null;
      try {
        super.render(params);
      } finally {
        this.pickProgram = pick;
      }
      return;
    }
    super.render(params);
  }
}

const EDGE_VERTEX = /* glsl */ `
attribute vec4 a_id;
attribute vec4 a_color;
attribute vec2 a_normal;
attribute vec2 a_positionStart;
attribute vec2 a_positionEnd;
attribute float a_radius;
attribute float a_dash;
attribute float a_offset;
attribute float a_positionCoef;
attribute float a_normalCoef;

uniform mat3 u_matrix;
uniform float u_sizeRatio;
uniform float u_correctionRatio;
uniform float u_minEdgeThickness;
uniform float u_lengthToThicknessRatio;
uniform float u_clamp;
uniform vec2 u_resolution;

varying vec4 v_color;
varying float v_along;
varying float v_across;
varying float v_halfPx;
varying float v_dash;

const float bias = 255.0 / 254.0;

vec2 toPixels(vec2 point) {
  return (u_matrix * vec3(point, 1.0)).xy * u_resolution * 0.5;
}

void main() {
  float normalLength = length(a_normal);
  vec2 unitNormal = a_normal / max(normalLength, 1e-9);
  // Struck edges get a wider quad so that their slashes have room; in the picking pass every edge is wider, so
  // that a thin line is easy to hover and click.
  float widen = a_dash > 2.5 ? 2.6 : 1.0;
  #ifdef PICKING_MODE
  widen = max(widen, 4.0);
  #endif
  float thickness = max(normalLength, u_minEdgeThickness * u_sizeRatio) * widen;
  float halfWidth = thickness * u_correctionRatio / u_sizeRatio;

  // Directed edges stop before the target's border, leaving room for the arrow head.
  vec2 towardsSource = vec2(-unitNormal.y, unitNormal.x);
  float nodeRadius = a_radius * 2.0 * u_correctionRatio / u_sizeRatio;
  float headLength = (halfWidth / widen) * u_lengthToThicknessRatio * 2.0;
  vec2 clampOffset = towardsSource * (nodeRadius + headLength) * a_positionCoef * u_clamp;

  // Parallel edges between the same two nodes are drawn side by side, a_offset pixels apart.
  vec2 parallel = unitNormal * a_offset * 2.0 * u_correctionRatio / u_sizeRatio;
  vec2 centre = a_positionStart * (1.0 - a_positionCoef) + a_positionEnd * a_positionCoef + clampOffset + parallel;
  vec2 corner = centre + unitNormal * halfWidth * a_normalCoef;
  gl_Position = vec4((u_matrix * vec3(corner, 1.0)).xy, 0.0, 1.0);

  v_along = a_positionCoef * length(toPixels(a_positionEnd) - toPixels(a_positionStart));
  v_across = a_normalCoef;
  v_halfPx = length(toPixels(corner) - toPixels(centre));
  v_dash = a_dash;

  #ifdef PICKING_MODE
  v_color = a_id;
  #else
  v_color = a_color;
  #endif
  v_color.a *= bias;
}
`;

const EDGE_FRAGMENT = /* glsl */ `
precision highp float;

varying vec4 v_color;
varying float v_along;
varying float v_across;
varying float v_halfPx;
varying float v_dash;

const vec4 transparent = vec4(0.0, 0.0, 0.0, 0.0);

void main(void) {
  #ifdef PICKING_MODE
  gl_FragColor = v_color;
  #else
  float acrossPx = v_across * v_halfPx;
  float halfPx = v_halfPx;
  float shown = 1.0;
  if (v_dash > 0.5 && v_dash < 1.5) {
    shown = step(mod(v_along, 12.0), 7.0);
  } else if (v_dash > 1.5 && v_dash < 2.5) {
    shown = step(mod(v_along, 6.0), 2.5);
  } else if (v_dash > 2.5) {
    float line = 1.0 - smoothstep(0.7, 1.5, abs(acrossPx));
    float slash = 1.0 - smoothstep(0.6, 1.4, abs(mod(v_along + acrossPx, 9.0) - 4.5));
    shown = max(line, slash);
  }
  float edge = smoothstep(halfPx - 1.0, halfPx, abs(acrossPx));
  gl_FragColor = mix(v_color, transparent, max(edge, 1.0 - shown));
  #endif
}
`;

// The six corners of an edge body's quad (two triangles) as (along, across), and the three of an arrow head as
// (0, 0) tip and (1, ±1) base. Written per vertex: like nodes, edges are not instanced (see NodeShapeProgram).
const BODY_CORNERS = [0, 1, 0, -1, 1, 1, 1, 1, 0, -1, 1, -1];
const HEAD_CORNERS = [0, 0, 1, 1, 1, -1];

/** An edge body program: solid, dashed, dotted or struck per edge (attribute `dash`); `clamp` leaves room for an arrow. */
export function createEdgeBodyProgram({ clamp = false, lengthToThicknessRatio = 2.5 } = {}) {
  return class EdgeBodyProgram extends EdgeProgram {
    getDefinition() {
      return {
        VERTICES: 6,
        VERTEX_SHADER_SOURCE: EDGE_VERTEX,
        FRAGMENT_SHADER_SOURCE: EDGE_FRAGMENT,
        METHOD: TRIANGLES,
        UNIFORMS: [
          "u_matrix",
          "u_sizeRatio",
          "u_correctionRatio",
          "u_minEdgeThickness",
          "u_lengthToThicknessRatio",
          "u_clamp",
          "u_resolution",
        ],
        ATTRIBUTES: [
          { name: "a_positionStart", size: 2, type: FLOAT },
          { name: "a_positionEnd", size: 2, type: FLOAT },
          { name: "a_normal", size: 2, type: FLOAT },
          { name: "a_color", size: 4, type: UNSIGNED_BYTE, normalized: true },
          { name: "a_id", size: 4, type: UNSIGNED_BYTE, normalized: true },
          { name: "a_radius", size: 1, type: FLOAT },
          { name: "a_dash", size: 1, type: FLOAT },
          { name: "a_offset", size: 1, type: FLOAT },
          { name: "a_positionCoef", size: 1, type: FLOAT },
          { name: "a_normalCoef", size: 1, type: FLOAT },
        ],
      };
    }

    processVisibleItem(edgeIndex, startIndex, sourceData, targetData, data) {
      const thickness = data.size || 1;
      const dx = targetData.x - sourceData.x;
      const dy = targetData.y - sourceData.y;
      const length = Math.hypot(dx, dy);
      const n1 = length ? (-dy / length) * thickness : 0;
      const n2 = length ? (dx / length) * thickness : 0;
      const color = floatColor(data.color);
      const radius = targetData.size || 1;
      const dash = data.dash || 0;
      const offset = data.offset || 0;
      const array = this.array;
      for (let corner = 0; corner < BODY_CORNERS.length; corner += 2) {
        array[startIndex++] = sourceData.x;
        array[startIndex++] = sourceData.y;
        array[startIndex++] = targetData.x;
        array[startIndex++] = targetData.y;
        array[startIndex++] = n1;
        array[startIndex++] = n2;
        array[startIndex++] = color;
        array[startIndex++] = edgeIndex;
        array[startIndex++] = radius;
        array[startIndex++] = dash;
        array[startIndex++] = offset;
        array[startIndex++] = BODY_CORNERS[corner];
        array[startIndex++] = BODY_CORNERS[corner + 1];
      }
    }

    setUniforms(params, { gl, uniformLocations }) {
      gl.uniformMatrix3fv(uniformLocations.u_matrix, false, params.matrix);
      gl.uniform1f(uniformLocations.u_sizeRatio, params.sizeRatio);
      gl.uniform1f(uniformLocations.u_correctionRatio, params.correctionRatio);
      gl.uniform1f(uniformLocations.u_minEdgeThickness, params.minEdgeThickness);
      gl.uniform1f(uniformLocations.u_lengthToThicknessRatio, lengthToThicknessRatio);
      gl.uniform1f(uniformLocations.u_clamp, clamp ? 1 : 0);
      gl.uniform2f(uniformLocations.u_resolution, params.width, params.height);
    }
  };
}

const HEAD_VERTEX = /* glsl */ `
attribute vec4 a_id;
attribute vec4 a_color;
attribute vec2 a_normal;
attribute vec2 a_positionEnd;
attribute float a_radius;
attribute float a_offset;
attribute vec2 a_head;

uniform mat3 u_matrix;
uniform float u_sizeRatio;
uniform float u_correctionRatio;
uniform float u_minEdgeThickness;
uniform float u_lengthToThicknessRatio;
uniform float u_widenessToThicknessRatio;

varying vec4 v_color;

const float bias = 255.0 / 254.0;

void main() {
  float normalLength = length(a_normal);
  vec2 unitNormal = a_normal / max(normalLength, 1e-9);
  float thickness = max(normalLength, u_minEdgeThickness * u_sizeRatio);
  float halfWidth = thickness * u_correctionRatio / u_sizeRatio;
  vec2 towardsSource = vec2(-unitNormal.y, unitNormal.x);
  float nodeRadius = a_radius * 2.0 * u_correctionRatio / u_sizeRatio;
  vec2 parallel = unitNormal * a_offset * 2.0 * u_correctionRatio / u_sizeRatio;
  // a_head: (0, 0) is the tip on the target's border, (1, +-1) the two corners of the base.
  vec2 tip = a_positionEnd + parallel + towardsSource * nodeRadius;
  vec2 corner = tip
    + towardsSource * halfWidth * u_lengthToThicknessRatio * 2.0 * a_head.x
    + unitNormal * halfWidth * u_widenessToThicknessRatio * a_head.y;
  gl_Position = vec4((u_matrix * vec3(corner, 1.0)).xy, 0.0, 1.0);
  #ifdef PICKING_MODE
  v_color = a_id;
  #else
  v_color = a_color;
  #endif
  v_color.a *= bias;
}
`;

const HEAD_FRAGMENT = /* glsl */ `
precision mediump float;
varying vec4 v_color;
void main(void) {
  gl_FragColor = v_color;
}
`;

/** The arrow head of a directed edge, following the edge's parallel offset. */
export function createEdgeHeadProgram({ lengthToThicknessRatio = 2.5, widenessToThicknessRatio = 2 } = {}) {
  return class EdgeHeadProgram extends EdgeProgram {
    getDefinition() {
      return {
        VERTICES: 3,
        VERTEX_SHADER_SOURCE: HEAD_VERTEX,
        FRAGMENT_SHADER_SOURCE: HEAD_FRAGMENT,
        METHOD: TRIANGLES,
        UNIFORMS: [
          "u_matrix",
          "u_sizeRatio",
          "u_correctionRatio",
          "u_minEdgeThickness",
          "u_lengthToThicknessRatio",
          "u_widenessToThicknessRatio",
        ],
        ATTRIBUTES: [
          { name: "a_positionEnd", size: 2, type: FLOAT },
          { name: "a_normal", size: 2, type: FLOAT },
          { name: "a_radius", size: 1, type: FLOAT },
          { name: "a_offset", size: 1, type: FLOAT },
          { name: "a_color", size: 4, type: UNSIGNED_BYTE, normalized: true },
          { name: "a_id", size: 4, type: UNSIGNED_BYTE, normalized: true },
          { name: "a_head", size: 2, type: FLOAT },
        ],
      };
    }

    processVisibleItem(edgeIndex, startIndex, sourceData, targetData, data) {
      const thickness = data.size || 1;
      const dx = targetData.x - sourceData.x;
      const dy = targetData.y - sourceData.y;
      const length = Math.hypot(dx, dy);
      const n1 = length ? (-dy / length) * thickness : 0;
      const n2 = length ? (dx / length) * thickness : 0;
      const color = floatColor(data.color);
      const array = this.array;
      for (let corner = 0; corner < HEAD_CORNERS.length; corner += 2) {
        array[startIndex++] = targetData.x;
        array[startIndex++] = targetData.y;
        array[startIndex++] = n1;
        array[startIndex++] = n2;
        array[startIndex++] = targetData.size || 1;
        array[startIndex++] = data.offset || 0;
        array[startIndex++] = color;
        array[startIndex++] = edgeIndex;
        array[startIndex++] = HEAD_CORNERS[corner];
        array[startIndex++] = HEAD_CORNERS[corner + 1];
      }
    }

    setUniforms(params, { gl, uniformLocations }) {
      gl.uniformMatrix3fv(uniformLocations.u_matrix, false, params.matrix);
      gl.uniform1f(uniformLocations.u_sizeRatio, params.sizeRatio);
      gl.uniform1f(uniformLocations.u_correctionRatio, params.correctionRatio);
      gl.uniform1f(uniformLocations.u_minEdgeThickness, params.minEdgeThickness);
      gl.uniform1f(uniformLocations.u_lengthToThicknessRatio, lengthToThicknessRatio);
      gl.uniform1f(uniformLocations.u_widenessToThicknessRatio, widenessToThicknessRatio);
    }
  };
}

/**
 * One-pixel lines for thousands of edges, never picked: a large view has no edge events, so the picking pass
 * (a second draw of every edge) is skipped even though the edge layer has a picking buffer for small views.
 * Not drawn while the camera moves (a drag, the wheel, an animation), as sigma's hideEdgesOnMove would do; we
 * do it here because that setting also makes sigma re-index the whole graph after every drag (a second or so
 * for 40,000 items with software WebGL), where drawing one frame is enough (GraphView asks for it).
 */
class FastEdgeProgram extends EdgeLineProgram {
  constructor(gl, pickingBuffer, renderer) {
    super(gl, null, renderer);
  }

  render(params) {
    if (cameraMoving(this.renderer)) return;
    super.render(params);
  }
}

/** Sigma's own test of a moving camera (see Sigma#render). */
export function cameraMoving(sigma) {
  const mouse = sigma.getMouseCaptor();
  return Boolean(
    sigma.getCamera().isAnimated() || mouse.isMoving || mouse.draggedEvents || mouse.currentWheelDirection,
  );
}

/** Program classes for sigma's settings: `arrow` for directed edges, `line` for symmetric ones. */
export const edgeProgramClasses = {
  arrow: createEdgeCompoundProgram([createEdgeBodyProgram({ clamp: true }), createEdgeHeadProgram()]),
  line: createEdgeBodyProgram({ clamp: false }),
  // Thousands of edges: one-pixel lines, one primitive each (no dash, no arrow), so software WebGL keeps up.
  fast: FastEdgeProgram,
};

export const nodeProgramClasses = { shape: NodeShapeProgram };
