// Photo groups: the groups list, a group's photos as a grid, uploads by file picker or drag and drop, and thumbnails
// that replace their ThumbHash placeholder as soon as the worker's event arrives on the /live websocket.
// Plain ES2020, no framework, no build step; served as /app.js next to /index.html and /app.css.
'use strict';

(() => {
  // ---------------------------------------------------------------------------------------------------------------
  // What uploads may be

  /** The Content-Types POST /groups/{id}/images accepts. */
  const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'image/avif', 'image/tiff'];
  /** Other names browsers give those types. */
  const TYPE_ALIASES = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'image/heif': 'image/heic' };
  /** The type a file with no type gets from its extension (browsers often know no type for HEIC, AVIF or TIFF). */
  const EXTENSION_TYPES = {
    jpg: 'image/jpeg', jpeg: 'image/jpeg', jfif: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif',
    heic: 'image/heic', heif: 'image/heic', avif: 'image/avif', tif: 'image/tiff', tiff: 'image/tiff',
  };
  /** Thumbnail formats a browser can show. */
  const SHOWABLE_FORMATS = new Set(['jpeg', 'jpg', 'png', 'webp', 'gif', 'avif']);
  /** Uploads running at once. */
  const UPLOADS_AT_ONCE = 3;
  /** How often processing photos are re-read while the live connection is down. */
  const POLL_WHILE_OFFLINE_MS = 5000;

  /**
   * The Content-Type to upload `file` with, or null when the app does not take it. A file the browser gives no type
   * is typed by its extension, and is sent as JPEG when that says nothing either (the worker sniffs the bytes).
   */
  function uploadType(file) {
    let type = (file.type || '').toLowerCase();
    type = TYPE_ALIASES[type] || type;
    if (UPLOAD_TYPES.includes(type)) return type;
    if (type !== '') return null;
    const extension = (file.name.match(/\.([a-z0-9]+)$/i) || [])[1];
    return EXTENSION_TYPES[(extension || '').toLowerCase()] || 'image/jpeg';
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The API

  /** A failed request: the HTTP status (0 when the server was not reached), the error code and a readable message. */
  class ApiError extends Error {
    constructor(status, code, message, problems = []) {
      super(message);
      this.status = status;
      this.code = code;
      this.problems = problems;
    }

    /** The message with the problems the server listed. */
    get detail() {
      return this.problems.length ? `${this.message}: ${this.problems.join('; ')}` : this.message;
    }
  }

  /**
   * The error an answer's body describes, read defensively: `{"error":{"code","message","problems"}}`,
   * `{"message"}`, S3's `<Error><Code/><Message/></Error>`, plain text, or nothing at all.
   */
  function errorFromBody(status, statusText, contentType, text) {
    let code = `http${status}`;
    let message = '';
    let problems = [];
    const trimmed = (text || '').trim();
    if (/json/i.test(contentType) || trimmed.startsWith('{')) {
      try {
        const body = JSON.parse(trimmed);
        const detail = body && typeof body.error === 'object' && body.error !== null ? body.error : body;
        if (detail && typeof detail.message === 'string') message = detail.message;
        else if (body && typeof body.error === 'string') message = body.error;
        if (detail && typeof detail.code === 'string') code = detail.code;
        if (detail && Array.isArray(detail.problems)) problems = detail.problems.map(String);
      } catch (_) { /* not JSON after all: read as text below */ }
    } else if (/xml/i.test(contentType) || trimmed.startsWith('<')) {
      const xml = new DOMParser().parseFromString(trimmed, 'application/xml');
      const field = (name) => (xml.getElementsByTagName(name)[0] || {}).textContent || '';
      if (field('Code')) code = field('Code');
      message = field('Message') || field('Code');
    }
    if (!message && trimmed && !trimmed.startsWith('<') && !trimmed.startsWith('{')) message = trimmed.slice(0, 300);
    if (!message) {
      if (status === 413) message = 'the file is too large for this server';
      else message = `the server answered ${status}${statusText ? ` ${statusText}` : ''}`;
    }
    return new ApiError(status, code, message, problems);
  }

  /**
   * Headers every API request carries. Authentication goes here once the server asks for it
   * (`Authorization: Bearer …`), next to the websocket's first message in `LiveConnection.greeting`.
   */
  function apiHeaders() {
    return { Accept: 'application/json' };
  }

  /** Calls the API: resolves with the parsed JSON (null for 204), rejects with an ApiError. */
  async function api(method, path, body) {
    const headers = apiHeaders();
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, 'unreachable', 'the server cannot be reached; check the connection and try again');
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw errorFromBody(response.status, response.statusText, response.headers.get('Content-Type') || '', text);
    }
    if (response.status === 204 || text === '') return null;
    try {
      return JSON.parse(text);
    } catch (_) {
      throw new ApiError(response.status, 'badAnswer', 'the server sent an answer that is not JSON');
    }
  }

  /** Every item of a paged list (`{"items", "nextKey"}`), page after page. */
  async function listAll(path) {
    const items = [];
    let nextKey = null;
    do {
      const query = new URLSearchParams({ limit: '100' });
      if (nextKey) query.set('nextKey', nextKey);
      const page = await api('GET', `${path}?${query}`);
      items.push(...((page && Array.isArray(page.items)) ? page.items : []));
      nextKey = page && typeof page.nextKey === 'string' && page.nextKey ? page.nextKey : null;
    } while (nextKey);
    return items;
  }

  /** PUTs `file` to a presigned URL with exactly the signed Content-Type, reporting progress from 0 to 1. */
  function putFile(url, file, contentType, onProgress) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('PUT', url);
      request.setRequestHeader('Content-Type', contentType);
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      });
      request.addEventListener('load', () => {
        if (request.status >= 200 && request.status < 300) resolve();
        else {
          reject(errorFromBody(request.status, request.statusText, request.getResponseHeader('Content-Type') || '',
            request.responseText));
        }
      });
      request.addEventListener('error', () => reject(new ApiError(0, 'unreachable',
        'the upload was cut off before the server answered (the file may be too large, or the connection dropped)')));
      request.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'the upload was cancelled')));
      request.send(file);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // ThumbHash (https://evanw.github.io/thumbhash/): the placeholder the worker computes, decoded to a small image

  /** Decodes ThumbHash bytes into `{width, height, rgba}` (at most 32 pixels a side), as the published decoder does. */
  function thumbHashToRGBA(hash) {
    if (hash.length < 5) throw new Error('a ThumbHash has at least 5 bytes');
    const header24 = hash[0] | (hash[1] << 8) | (hash[2] << 16);
    const header16 = hash[3] | (hash[4] << 8);
    const luminanceDC = (header24 & 63) / 63;
    const yellowBlueDC = ((header24 >> 6) & 63) / 31.5 - 1;
    const redGreenDC = ((header24 >> 12) & 63) / 31.5 - 1;
    const luminanceScale = ((header24 >> 18) & 31) / 31;
    const hasAlpha = (header24 >> 23) !== 0;
    const yellowBlueScale = ((header16 >> 3) & 63) / 63;
    const redGreenScale = ((header16 >> 9) & 63) / 63;
    const isLandscape = (header16 >> 15) !== 0;
    const longSideTerms = hasAlpha ? 5 : 7;
    const luminanceColumns = Math.max(3, isLandscape ? longSideTerms : header16 & 7);
    const luminanceRows = Math.max(3, isLandscape ? header16 & 7 : longSideTerms);
    const alphaDC = hasAlpha ? (hash[5] & 15) / 15 : 1;
    const alphaScale = hasAlpha ? (hash[5] >> 4) / 15 : 0;

    // The varying terms: 4-bit values, two to a byte, low nibble first, channel after channel.
    const acStart = hasAlpha ? 6 : 5;
    let acIndex = 0;
    const readChannel = (columns, rows, scale) => {
      const terms = [];
      for (let row = 0; row < rows; row++) {
        for (let column = row ? 0 : 1; column * rows < columns * (rows - row); column++) {
          const byte = hash[acStart + (acIndex >> 1)] || 0;
          const nibble = (byte >> ((acIndex & 1) << 2)) & 15;
          terms.push((nibble / 7.5 - 1) * scale);
          acIndex++;
        }
      }
      return terms;
    };
    const luminanceAC = readChannel(luminanceColumns, luminanceRows, luminanceScale);
    // Chroma is boosted by 1.25, as the reference does, to make up for the quantisation's loss of saturation.
    const yellowBlueAC = readChannel(3, 3, yellowBlueScale * 1.25);
    const redGreenAC = readChannel(3, 3, redGreenScale * 1.25);
    const alphaAC = hasAlpha ? readChannel(5, 5, alphaScale) : [];

    const ratio = thumbHashAspectRatio(hash);
    const width = Math.round(ratio > 1 ? 32 : 32 * ratio);
    const height = Math.round(ratio > 1 ? 32 / ratio : 32);
    const rgba = new Uint8ClampedArray(width * height * 4);
    const columnCount = Math.max(luminanceColumns, hasAlpha ? 5 : 3);
    const rowCount = Math.max(luminanceRows, hasAlpha ? 5 : 3);
    const fx = new Float64Array(columnCount);
    const fy = new Float64Array(rowCount);
    for (let y = 0, i = 0; y < height; y++) {
      for (let cy = 0; cy < rowCount; cy++) fy[cy] = Math.cos(Math.PI / height * (y + 0.5) * cy);
      for (let x = 0; x < width; x++, i += 4) {
        for (let cx = 0; cx < columnCount; cx++) fx[cx] = Math.cos(Math.PI / width * (x + 0.5) * cx);
        let luminance = luminanceDC;
        let yellowBlue = yellowBlueDC;
        let redGreen = redGreenDC;
        let alpha = alphaDC;
        for (let cy = 0, j = 0; cy < luminanceRows; cy++) {
          const fy2 = fy[cy] * 2;
          for (let cx = cy ? 0 : 1; cx * luminanceRows < luminanceColumns * (luminanceRows - cy); cx++, j++) {
            luminance += luminanceAC[j] * fx[cx] * fy2;
          }
        }
        for (let cy = 0, j = 0; cy < 3; cy++) {
          const fy2 = fy[cy] * 2;
          for (let cx = cy ? 0 : 1; cx < 3 - cy; cx++, j++) {
            const factor = fx[cx] * fy2;
            yellowBlue += yellowBlueAC[j] * factor;
            redGreen += redGreenAC[j] * factor;
          }
        }
        if (hasAlpha) {
          for (let cy = 0, j = 0; cy < 5; cy++) {
            const fy2 = fy[cy] * 2;
            for (let cx = cy ? 0 : 1; cx < 5 - cy; cx++, j++) alpha += alphaAC[j] * fx[cx] * fy2;
          }
        }
        // Back from luminance, yellow–blue and red–green to RGB.
        const blue = luminance - (2 / 3) * yellowBlue;
        const red = (3 * luminance - blue + redGreen) / 2;
        const green = red - redGreen;
        rgba[i] = 255 * Math.min(1, Math.max(0, red));
        rgba[i + 1] = 255 * Math.min(1, Math.max(0, green));
        rgba[i + 2] = 255 * Math.min(1, Math.max(0, blue));
        rgba[i + 3] = 255 * Math.min(1, Math.max(0, alpha));
      }
    }
    return { width, height, rgba };
  }

  /** The picture's width / height as the ThumbHash header records it (its term counts along each side). */
  function thumbHashAspectRatio(hash) {
    const hasAlpha = (hash[2] & 0x80) !== 0;
    const isLandscape = (hash[4] & 0x80) !== 0;
    const columns = isLandscape ? (hasAlpha ? 5 : 7) : hash[3] & 7;
    const rows = isLandscape ? hash[3] & 7 : (hasAlpha ? 5 : 7);
    return rows > 0 && columns > 0 ? columns / rows : 1;
  }

  /** A base64 ThumbHash as a PNG data URL, or null when it cannot be read. */
  function thumbHashToDataURL(base64) {
    try {
      const binary = atob(base64);
      const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
      const { width, height, rgba } = thumbHashToRGBA(bytes);
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d');
      if (!context) return null;
      context.putImageData(new ImageData(rgba, width, height), 0, 0);
      return canvas.toDataURL('image/png');
    } catch (error) {
      console.warn('thumbworker: unreadable ThumbHash', base64, error);
      return null;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The page's elements and state

  const byId = (id) => document.getElementById(id);
  const ui = {
    connection: byId('connection'),
    form: byId('new-group'),
    name: byId('group-name'),
    nameProblem: byId('group-name-problem'),
    description: byId('group-description'),
    groupList: byId('group-list'),
    groupsEmpty: byId('groups-empty'),
    moreGroups: byId('more-groups'),
    noGroup: byId('no-group'),
    groupView: byId('group-view'),
    groupTitle: byId('group-title'),
    groupAbout: byId('group-about'),
    deleteGroup: byId('delete-group'),
    dropZone: byId('drop-zone'),
    fileInput: byId('file-input'),
    imagesEmpty: byId('images-empty'),
    main: byId('main'),
    grid: byId('image-grid'),
    messages: byId('messages'),
    confirm: byId('confirm-delete-group'),
    confirmText: byId('confirm-text'),
    tileTemplate: byId('tile-template'),
  };

  const state = {
    /** The groups listed, in the API's order. */
    groups: [],
    /** Where the groups list continues; null on its last page. */
    groupsNextKey: null,
    /** The open group, or null. */
    group: null,
    /** The open group's images by id, as last read or last told by an event. */
    images: new Map(),
    /** Their tiles by image id. */
    tiles: new Map(),
    /** Tiles of uploads not yet given an id, or whose item is gone (refused uploads), kept until dismissed. */
    localTiles: new Set(),
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Messages (the aria-live region)

  /** Shows a message; errors stay until dismissed, notices go after a few seconds. */
  function showMessage(text, kind = 'info') {
    const message = document.createElement('div');
    message.className = `message ${kind}`;
    const body = document.createElement('p');
    body.className = 'message-text';
    body.textContent = text;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'message-close';
    close.setAttribute('aria-label', 'Dismiss message');
    close.textContent = '×';
    close.addEventListener('click', () => message.remove());
    message.append(body, close);
    ui.messages.append(message);
    while (ui.messages.children.length > 4) ui.messages.firstElementChild.remove();
    if (kind !== 'error') setTimeout(() => message.remove(), 6000);
    return message;
  }

  /** Shows what went wrong while doing `what` ("Could not create the group: …"). */
  function showError(what, error) {
    const detail = error instanceof ApiError ? error.detail : String(error && error.message ? error.message : error);
    showMessage(`${what}: ${detail}`, 'error');
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Groups

  const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
  const formatDate = (text) => {
    const date = new Date(text);
    return Number.isNaN(date.getTime()) ? '' : dateFormat.format(date);
  };

  function renderGroups() {
    ui.groupList.replaceChildren(...state.groups.map((group) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.className = 'group-link';
      link.href = `#/groups/${group.id}`;
      link.dataset.groupId = group.id;
      link.textContent = group.name;
      const date = document.createElement('span');
      date.className = 'group-date';
      date.textContent = formatDate(group.createdAt);
      link.append(date);
      if (state.group && state.group.id === group.id) link.setAttribute('aria-current', 'page');
      item.append(link);
      return item;
    }));
    ui.groupsEmpty.hidden = state.groups.length > 0;
    ui.moreGroups.hidden = !state.groupsNextKey;
  }

  async function loadGroups(more = false) {
    const query = new URLSearchParams({ limit: '50' });
    if (more && state.groupsNextKey) query.set('nextKey', state.groupsNextKey);
    try {
      const page = await api('GET', `/groups?${query}`);
      const items = page && Array.isArray(page.items) ? page.items : [];
      const known = new Set(more ? state.groups.map((group) => group.id) : []);
      state.groups = (more ? state.groups : []).concat(items.filter((group) => !known.has(group.id)));
      state.groupsNextKey = page && typeof page.nextKey === 'string' && page.nextKey ? page.nextKey : null;
      renderGroups();
    } catch (error) {
      showError('Could not load the groups', error);
    }
  }

  function setNameProblem(text) {
    ui.nameProblem.textContent = text;
    ui.nameProblem.hidden = !text;
    if (text) ui.name.setAttribute('aria-invalid', 'true');
    else ui.name.removeAttribute('aria-invalid');
  }

  async function createGroup(event) {
    event.preventDefault();
    const name = ui.name.value.trim();
    const description = ui.description.value.trim();
    if (!name) {
      setNameProblem('Give the group a name.');
      ui.name.focus();
      return;
    }
    setNameProblem('');
    const submit = ui.form.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      const body = description ? { name, description } : { name };
      const group = await api('POST', '/groups', body);
      if (!group || typeof group.id !== 'string') throw new ApiError(201, 'badAnswer', 'the server sent no group');
      if (!state.groups.some((known) => known.id === group.id)) state.groups.push(group);
      renderGroups();
      ui.form.reset();
      showMessage(`Created group “${group.name}”.`);
      navigateToGroup(group.id, { focus: true });
    } catch (error) {
      const nameProblems = error instanceof ApiError ? error.problems.filter((p) => p.startsWith('body.name')) : [];
      if (nameProblems.length > 0) {
        setNameProblem(nameProblems.join('; '));
        ui.name.focus();
      }
      showError('Could not create the group', error);
    } finally {
      submit.disabled = false;
    }
  }

  function navigateToGroup(id, { focus = false } = {}) {
    pendingFocus = focus;
    const hash = id ? `#/groups/${id}` : '';
    if (location.hash === hash) route();
    else if (id) location.hash = hash;
    else {
      history.replaceState(null, '', location.pathname + location.search);
      route();
    }
  }

  /** Whether the next group opened moves the focus to its heading (it does when the user asked for it). */
  let pendingFocus = false;

  /** Shows the group the address names (`#/groups/{id}`), or the prompt to choose one. */
  async function route() {
    const match = location.hash.match(/^#\/groups\/([0-9a-f]{24})$/);
    const focus = pendingFocus;
    pendingFocus = false;
    if (!match) {
      closeGroup();
      if (location.hash) showMessage('That address names no group; choose one from the list.');
      return;
    }
    const id = match[1];
    if (state.group && state.group.id === id) return;
    let group = state.groups.find((known) => known.id === id);
    if (!group) {
      try {
        group = await api('GET', `/groups/${id}`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          showMessage('That group does not exist any more; choose another.', 'error');
          navigateToGroup(null);
        } else showError('Could not open the group', error);
        return;
      }
      if (!location.hash.endsWith(id)) return; // the user moved on while it loaded
    }
    openGroup(group, focus);
  }

  function closeGroup() {
    if (state.group) live.unsubscribe(state.group.id);
    state.group = null;
    state.images.clear();
    state.tiles.clear();
    state.localTiles.clear();
    ui.grid.replaceChildren();
    ui.groupView.hidden = true;
    ui.noGroup.hidden = false;
    document.title = 'Photo groups';
    renderGroups();
  }

  function openGroup(group, focus) {
    closeGroup();
    state.group = group;
    ui.noGroup.hidden = true;
    ui.groupView.hidden = false;
    ui.groupTitle.textContent = group.name;
    ui.groupAbout.textContent = group.description || '';
    ui.groupAbout.hidden = !group.description;
    ui.grid.setAttribute('aria-label', `Photos in ${group.name}`);
    ui.deleteGroup.setAttribute('aria-label', `Delete group ${group.name}`);
    ui.imagesEmpty.hidden = true;
    document.title = `${group.name} · Photo groups`;
    renderGroups();
    if (focus) ui.groupTitle.focus();
    live.subscribe(group.id);
    refreshImages();
  }

  async function deleteGroup() {
    const group = state.group;
    if (!group) return;
    const count = state.images.size;
    const photos = count === 1 ? 'its photo' : `its ${count} photos`;
    ui.confirmText.textContent = `“${group.name}” and ${photos} will be deleted, thumbnails included. ` +
      'This cannot be undone.';
    ui.confirm.returnValue = '';
    ui.confirm.showModal();
    const answer = await new Promise((resolve) => {
      ui.confirm.addEventListener('close', () => resolve(ui.confirm.returnValue), { once: true });
    });
    if (answer !== 'delete') {
      ui.deleteGroup.focus();
      return;
    }
    ui.deleteGroup.disabled = true;
    try {
      await api('DELETE', `/groups/${group.id}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        showError(`Could not delete the group “${group.name}”`, error);
        ui.deleteGroup.disabled = false;
        return;
      }
    }
    ui.deleteGroup.disabled = false;
    state.groups = state.groups.filter((known) => known.id !== group.id);
    showMessage(`Deleted the group “${group.name}”.`);
    navigateToGroup(null);
    ui.name.focus();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Images: tiles

  const STATUS_TEXT = { uploading: 'Uploading…', processing: 'Processing…', ready: 'Ready', failed: 'Failed' };
  const STATUS_RANK = { uploading: 0, processing: 1, ready: 2, failed: 2 };

  function newTile(title) {
    const tile = ui.tileTemplate.content.firstElementChild.cloneNode(true);
    const parts = {
      frame: tile.querySelector('.frame'),
      placeholder: tile.querySelector('.placeholder'),
      thumb: tile.querySelector('.thumb'),
      statusText: tile.querySelector('.overlay-text'),
      progressBar: tile.querySelector('.progress-bar'),
      failure: tile.querySelector('.failure'),
      title: tile.querySelector('.tile-title'),
      remove: tile.querySelector('.delete-image'),
    };
    tile.parts = parts;
    parts.thumb.addEventListener('load', () => {
      parts.thumb.classList.add('loaded');
      tile.classList.remove('thumb-error');
      tile.dataset.thumbnail = 'loaded';
    });
    parts.thumb.addEventListener('error', () => {
      tile.dataset.thumbnail = 'error';
      if (tile.dataset.status === 'ready') parts.statusText.textContent = 'Could not load';
      tile.classList.add('thumb-error');
    });
    parts.remove.addEventListener('click', () => deleteImage(tile));
    setTileTitle(tile, title);
    setTileStatus(tile, 'uploading');
    return tile;
  }

  function setTileTitle(tile, title) {
    tile.parts.title.textContent = title;
    tile.parts.title.title = title;
    tile.parts.thumb.alt = title;
    tile.parts.remove.setAttribute('aria-label', `Delete photo ${title}`);
  }

  function setTileStatus(tile, status, failure = '') {
    tile.dataset.status = status;
    tile.setAttribute('aria-busy', status === 'uploading' || status === 'processing' ? 'true' : 'false');
    tile.parts.statusText.textContent = STATUS_TEXT[status] || status;
    tile.parts.failure.textContent = failure;
    tile.parts.failure.title = failure;
  }

  function setTileProgress(tile, fraction) {
    if (tile.dataset.status !== 'uploading') return;
    const percent = Math.round(fraction * 100);
    tile.parts.progressBar.style.width = `${percent}%`;
    tile.parts.statusText.textContent = `Uploading ${percent} %`;
  }

  /** The thumbnail to show in a tile `tileWidth` CSS pixels wide: the smallest that still covers it sharply. */
  function pickThumbnail(thumbnails, tileWidth) {
    const usable = thumbnails.filter((thumbnail) => thumbnail && thumbnailURL(thumbnail) &&
      SHOWABLE_FORMATS.has(String(thumbnail.format || 'jpeg').toLowerCase()) && thumbnail.width > 0);
    if (usable.length === 0) return null;
    const scale = window.devicePixelRatio || 1;
    // The tile is square and the picture covers it: a landscape picture is drawn wider than the tile.
    const needed = (thumbnail) => tileWidth * scale * Math.max(1, thumbnail.width / Math.max(1, thumbnail.height));
    const sorted = usable.slice().sort((a, b) => a.width - b.width);
    return sorted.find((thumbnail) => thumbnail.width >= needed(thumbnail)) || sorted[sorted.length - 1];
  }

  /** Where a thumbnail is served: its `url`, or the local server's bucket route when the event names none. */
  function thumbnailURL(thumbnail) {
    if (typeof thumbnail.url === 'string' && thumbnail.url) return thumbnail.url;
    if (thumbnail.bucket && thumbnail.key) {
      const key = thumbnail.key.split('/').map(encodeURIComponent).join('/');
      return `/local/${encodeURIComponent(thumbnail.bucket)}/${key}`;
    }
    return '';
  }

  /** Shows `image` in its tile: the placeholder and thumbnail once ready, the reason once failed. */
  function renderTile(tile, image) {
    setTileTitle(tile, image.title || 'Untitled');
    const parts = tile.parts;
    const placeholder = image.placeholder;
    if (placeholder && tile.dataset.placeholder !== placeholder.thumbHash) {
      if (/^#[0-9a-f]{6}$/i.test(placeholder.dominantColor || '')) {
        parts.frame.style.backgroundColor = placeholder.dominantColor;
      }
      const url = placeholder.thumbHash ? thumbHashToDataURL(placeholder.thumbHash) : null;
      if (url) {
        parts.placeholder.src = url;
        parts.placeholder.hidden = false;
      }
      tile.dataset.placeholder = placeholder.thumbHash || '';
    }
    if (image.status === 'ready') {
      const thumbnail = pickThumbnail(Array.isArray(image.thumbnails) ? image.thumbnails : [],
        parts.frame.clientWidth || 200);
      setTileStatus(tile, 'ready');
      if (thumbnail) {
        const src = thumbnailURL(thumbnail);
        if (parts.thumb.getAttribute('src') !== src) {
          parts.thumb.classList.remove('loaded');
          tile.dataset.thumbnail = 'loading';
          parts.thumb.hidden = false;
          parts.thumb.src = src;
        }
      } else {
        parts.statusText.textContent = 'No thumbnail to show';
      }
    } else if (image.status === 'failed') {
      const reason = image.error && typeof image.error.message === 'string' && image.error.message
        ? image.error.message : 'the worker gave no reason';
      setTileStatus(tile, 'failed', `No thumbnail: ${reason}`);
    } else if (STATUS_RANK[tile.dataset.status] <= STATUS_RANK.processing && tile.dataset.status !== 'uploading') {
      setTileStatus(tile, 'processing');
    }
  }

  /** Puts a tile in the grid in id order (creation order); tiles of uploads without an id yet go last. */
  function placeTile(tile, id) {
    if (id) {
      for (const other of ui.grid.children) {
        const otherId = other.dataset.imageId;
        if (!otherId || otherId > id) {
          ui.grid.insertBefore(tile, other);
          return;
        }
      }
    }
    ui.grid.append(tile);
  }

  /**
   * Takes in what the server says about an image (a listing, an event, an upload's answer). An image never goes back
   * from ready or failed to processing here: a listing read just before an event must not undo it.
   */
  function upsertImage(image) {
    if (!image || typeof image.id !== 'string' || !state.group || image.groupId !== state.group.id) return;
    const known = state.images.get(image.id);
    if (known && STATUS_RANK[known.status] > STATUS_RANK[image.status]) return;
    state.images.set(image.id, image);
    let tile = state.tiles.get(image.id);
    if (!tile) {
      tile = newTile(image.title || 'Untitled');
      tile.dataset.imageId = image.id;
      state.tiles.set(image.id, tile);
      setTileStatus(tile, 'processing');
      placeTile(tile, image.id);
    }
    renderTile(tile, image);
    updateEmpty();
  }

  function removeTile(tile) {
    const id = tile.dataset.imageId;
    if (id) {
      state.tiles.delete(id);
      state.images.delete(id);
    }
    state.localTiles.delete(tile);
    tile.remove();
    updateEmpty();
  }

  function updateEmpty() {
    ui.imagesEmpty.hidden = !state.group || ui.grid.children.length > 0;
  }

  let refreshing = null;
  let refreshAgain = false;

  /**
   * Reads the open group's images again (on opening, on every (re)subscription, and while offline), so an event
   * missed while disconnected is not lost. Calls made while one runs are folded into one more run after it.
   */
  function refreshImages() {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        refreshAgain = false;
        const group = state.group;
        if (!group) break;
        const knownBefore = new Set(state.images.keys());
        try {
          const images = await listAll(`/groups/${group.id}/images`);
          if (state.group !== group) continue;
          const listed = new Set();
          for (const image of images) {
            listed.add(image.id);
            upsertImage(image);
          }
          // Images deleted elsewhere meanwhile; uploads that began after the listing was asked for stay.
          for (const id of knownBefore) {
            const tile = state.tiles.get(id);
            if (!listed.has(id) && tile && !state.localTiles.has(tile) && tile.dataset.status !== 'uploading') {
              removeTile(tile);
            }
          }
          updateEmpty();
        } catch (error) {
          if (error instanceof ApiError && error.status === 404 && state.group === group) {
            showMessage(`The group “${group.name}” was deleted.`, 'error');
            state.groups = state.groups.filter((known) => known.id !== group.id);
            navigateToGroup(null);
            break;
          }
          showError('Could not load the photos', error);
        }
      } while (refreshAgain);
      refreshing = null;
    })();
    return refreshing;
  }

  async function deleteImage(tile) {
    const id = tile.dataset.imageId;
    const title = tile.parts.title.textContent;
    const button = tile.parts.remove;
    if (button.getAttribute('aria-disabled') === 'true') return; // already being deleted
    // The focus goes to the next tile's delete button (or the previous one's, or the file input) once this one goes.
    const hadFocus = tile.contains(document.activeElement);
    const removeAndMoveFocus = () => {
      const next = tile.nextElementSibling || tile.previousElementSibling;
      removeTile(tile);
      if (hadFocus) (next ? next.querySelector('.delete-image') : ui.fileInput).focus();
    };
    if (!id || state.localTiles.has(tile)) {
      removeAndMoveFocus();
      return;
    }
    // aria-disabled rather than disabled: a disabled button would lose the focus while the request runs.
    button.setAttribute('aria-disabled', 'true');
    try {
      await api('DELETE', `/images/${id}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        button.removeAttribute('aria-disabled');
        showError(`Could not delete “${title}”`, error);
        return;
      }
    }
    removeAndMoveFocus();
    showMessage(`Deleted “${title}”.`);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Uploads

  const uploadQueue = [];
  let uploadsRunning = 0;
  /** Image items are created one after another, so their ids (creation order) follow the order the files came in. */
  let creations = Promise.resolve();

  function createImageItem(group, title, type) {
    const created = creations.then(() => api('POST', `/groups/${group.id}/images`, { title, contentType: type }));
    creations = created.catch(() => {});
    return created;
  }

  /** Queues files for upload into the open group; files the app does not take are refused at once. */
  function addFiles(files) {
    const group = state.group;
    if (!group) {
      showMessage('Open or create a group first, then add photos to it.', 'error');
      return;
    }
    for (const file of files) {
      const type = uploadType(file);
      if (!type) {
        showMessage(`“${file.name}” was not added: ${file.type} is not a photo type this app takes. ` +
          'Choose JPEG, PNG, WebP, GIF, HEIC, AVIF or TIFF files.', 'error');
        continue;
      }
      const title = (file.name || 'Untitled').slice(0, 200);
      const tile = newTile(title);
      state.localTiles.add(tile);
      placeTile(tile, null);
      updateEmpty();
      uploadQueue.push({ file, type, title, tile, group });
    }
    pumpUploads();
  }

  function pumpUploads() {
    while (uploadsRunning < UPLOADS_AT_ONCE && uploadQueue.length > 0) {
      const job = uploadQueue.shift();
      uploadsRunning++;
      upload(job).finally(() => {
        uploadsRunning--;
        pumpUploads();
      });
    }
  }

  /** Creates the image item, PUTs the file to its presigned URL, and leaves the tile processing until the event. */
  async function upload({ file, type, title, tile, group }) {
    const shown = () => state.group === group && tile.isConnected;
    let created;
    try {
      created = await createImageItem(group, title, type);
      if (!created || typeof created.id !== 'string' || typeof created.uploadUrl !== 'string') {
        throw new ApiError(201, 'badAnswer', 'the server sent no upload URL');
      }
    } catch (error) {
      if (shown()) setTileStatus(tile, 'failed', `Not added: ${error instanceof ApiError ? error.detail : error}`);
      showError(`Could not add “${title}”`, error);
      return;
    }
    const image = { ...created };
    delete image.uploadUrl;
    delete image.uploadContentType;
    if (shown()) {
      tile.dataset.imageId = created.id;
      state.localTiles.delete(tile);
      if (state.tiles.has(created.id)) {
        tile.remove(); // an event or listing got here first and made its own tile
      } else {
        state.tiles.set(created.id, tile);
        state.images.set(created.id, image);
        placeTile(tile, created.id);
      }
    }
    try {
      await putFile(created.uploadUrl, file, created.uploadContentType || type,
        (fraction) => setTileProgress(tile, fraction));
    } catch (error) {
      const reason = error instanceof ApiError ? error.detail : String(error);
      setTileStatus(tile, 'failed', `Upload refused: ${reason}`);
      showError(`Could not upload “${title}”`, error);
      // The item would stay "processing" for ever without its original: remove it; the tile stays until dismissed.
      state.tiles.delete(created.id);
      state.images.delete(created.id);
      state.localTiles.add(tile);
      api('DELETE', `/images/${created.id}`).catch(() => {});
      return;
    }
    const current = state.images.get(created.id);
    if (tile.dataset.status === 'uploading') setTileStatus(tile, 'processing');
    if (current && current.status !== 'processing') renderTile(tile, current);
  }

  // Drag and drop: anywhere on the page while a group is open; the drop zone shows it.
  let dragDepth = 0;
  const carriesFiles = (event) => event.dataTransfer && Array.from(event.dataTransfer.types || []).includes('Files');

  document.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    dragDepth++;
    if (state.group) ui.dropZone.classList.add('dragging');
  });
  document.addEventListener('dragover', (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = state.group ? 'copy' : 'none';
  });
  document.addEventListener('dragleave', (event) => {
    if (!carriesFiles(event)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) ui.dropZone.classList.remove('dragging');
  });
  document.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) return; // text dropped into a field stays the browser's business
    event.preventDefault();
    dragDepth = 0;
    ui.dropZone.classList.remove('dragging');
    const files = Array.from(event.dataTransfer.files || []);
    if (files.length > 0) addFiles(files);
  });

  // ---------------------------------------------------------------------------------------------------------------
  // The live connection (/live websocket)

  /**
   * The websocket the server sends `thumbnails.ready` / `thumbnails.failed` on. Reconnects with exponential backoff
   * and jitter when it drops, and subscribes again to every group it was subscribed to.
   */
  class LiveConnection {
    constructor({ onMessage, onOpen, onState }) {
      this.onMessage = onMessage;
      this.onOpen = onOpen;
      this.onState = onState;
      this.socket = null;
      this.groups = new Set();
      this.failures = 0;
      this.retryTimer = null;
      this.everOpened = false;
    }

    get isOpen() {
      return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
    }

    url() {
      return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/live`;
    }

    /**
     * The messages sent first on every connection. Authentication goes here once the server asks for it:
     * `{"action": "authenticate", "token": "…"}`, before any subscription.
     */
    greeting() {
      return [];
    }

    connect() {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      if (this.socket) return;
      this.onState('connecting');
      let socket;
      try {
        socket = new WebSocket(this.url());
      } catch (error) {
        this.scheduleRetry();
        return;
      }
      this.socket = socket;
      socket.addEventListener('open', () => {
        if (this.socket !== socket) return;
        const reconnected = this.everOpened;
        this.everOpened = true;
        this.failures = 0;
        for (const message of this.greeting()) this.send(message);
        for (const groupId of this.groups) this.send({ action: 'subscribe', groupId });
        this.onState('live');
        this.onOpen(reconnected);
      });
      socket.addEventListener('message', (event) => {
        if (this.socket !== socket || typeof event.data !== 'string') return;
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (_) {
          console.warn('thumbworker: a live message that is not JSON', event.data);
          return;
        }
        if (message && typeof message === 'object') this.onMessage(message);
      });
      socket.addEventListener('close', () => {
        if (this.socket !== socket) return;
        this.socket = null;
        this.scheduleRetry();
      });
      // An error is always followed by close, which retries.
    }

    scheduleRetry() {
      this.failures++;
      const delay = Math.min(30000, 500 * 2 ** Math.min(this.failures - 1, 6));
      const jittered = delay / 2 + Math.random() * (delay / 2);
      this.onState('offline', jittered);
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.connect(), jittered);
    }

    /** Connects now if it is waiting to retry (the browser came back online, the tab became visible). */
    reconnectSoon() {
      if (!this.socket && this.retryTimer) this.connect();
    }

    subscribe(groupId) {
      this.groups.add(groupId);
      this.send({ action: 'subscribe', groupId });
    }

    unsubscribe(groupId) {
      if (!this.groups.delete(groupId)) return;
      this.send({ action: 'unsubscribe', groupId });
    }

    send(message) {
      if (this.isOpen) this.socket.send(JSON.stringify(message));
    }
  }

  function onLiveMessage(message) {
    switch (message.type) {
      case 'subscribed':
        if (state.group && message.groupId === state.group.id) refreshImages();
        break;
      case 'thumbnails.ready':
      case 'thumbnails.failed': {
        if (!state.group || message.groupId !== state.group.id || !message.image) break;
        const before = state.images.get(message.image.id);
        upsertImage(message.image);
        if (message.type === 'thumbnails.failed' && (!before || before.status !== 'failed')) {
          const reason = message.image.error && message.image.error.message;
          showMessage(`No thumbnail for “${message.image.title}”${reason ? `: ${reason}` : ''}.`, 'error');
        }
        break;
      }
      case 'error':
        showMessage(`The live connection refused a message: ${message.message || 'no reason given'}`, 'error');
        break;
      default:
        break; // newer event types this page does not know yet
    }
  }

  function showConnectionState(connectionState) {
    ui.connection.dataset.state = connectionState;
    ui.connection.textContent = {
      connecting: 'Connecting…',
      live: 'Live',
      offline: 'Offline — reconnecting',
    }[connectionState];
  }

  const live = new LiveConnection({
    onMessage: onLiveMessage,
    onOpen: (reconnected) => { if (reconnected) refreshImages(); },
    onState: showConnectionState,
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Start

  ui.form.addEventListener('submit', createGroup);
  ui.name.addEventListener('input', () => { if (ui.name.value.trim()) setNameProblem(''); });
  ui.moreGroups.addEventListener('click', () => loadGroups(true));
  ui.deleteGroup.addEventListener('click', deleteGroup);
  ui.fileInput.addEventListener('change', () => {
    const files = Array.from(ui.fileInput.files || []);
    ui.fileInput.value = '';
    if (files.length > 0) addFiles(files);
  });
  ui.groupList.addEventListener('click', (event) => {
    const link = event.target.closest('a.group-link');
    if (link) pendingFocus = true;
  });
  window.addEventListener('hashchange', route);
  // The skip link moves the focus without touching the address, which names the open group.
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    ui.main.focus();
  });
  window.addEventListener('online', () => live.reconnectSoon());
  document.addEventListener('visibilitychange', () => { if (!document.hidden) live.reconnectSoon(); });

  // Without the live connection, processing photos are read again now and then.
  setInterval(() => {
    if (live.isOpen || !state.group) return;
    const waiting = Array.from(state.images.values()).some((image) => image.status === 'processing');
    if (waiting) refreshImages();
  }, POLL_WHILE_OFFLINE_MS);

  live.connect();
  loadGroups().then(route);
})();
